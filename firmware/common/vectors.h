/*
 * vectors.h - exception handlers named in the vector table (common/startup.c).
 *
 * Every handler except Reset_Handler is a weak alias of Default_Handler (an endless loop):
 * a program overrides one by defining a function with the same name.
 */
#ifndef STFLASH_VECTORS_H
#define STFLASH_VECTORS_H

int main(void);

void Reset_Handler(void);
void Default_Handler(void);
void NMI_Handler(void);
void HardFault_Handler(void);
void MemManage_Handler(void);
void BusFault_Handler(void);
void UsageFault_Handler(void);
void SVC_Handler(void);
void DebugMon_Handler(void);
void PendSV_Handler(void);
void SysTick_Handler(void);

#endif
