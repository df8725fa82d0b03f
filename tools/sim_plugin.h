/* The virtual board for "sim" selectors, loaded from libstflash-sim on first use (sim_plugin.c). */
#ifndef STFLASH_TOOLS_SIM_PLUGIN_H
#define STFLASH_TOOLS_SIM_PLUGIN_H

/* Registers the stand-in back-end; call once at start, before any "sim" selector is used. */
void tools_sim_register(void);

#endif
