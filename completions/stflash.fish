# fish completion for stflash. Options per command come from stflash's own help (those of the
# installed version); part names from stflash chips --names; virtual chips from
# stflash-sim --list-chips.

set -l stflash_commands probe info write read erase verify reset options unlock lock doctor \
    gdbserver chips mem regs halt resume run rtt swo serve help

function __stflash_command
    # The command word of the line, skipping global options and their values.
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case --probe --freq --connect --flash-size --chip
                set skip 1
            case '-*'
            case '*'
                echo $w
                return 0
        end
    end
    return 1
end

function __stflash_options
    # The long options the help of the current command (or the tool) lists, without dashes.
    stflash (__stflash_command) --help 2>/dev/null | string match -r -a -g -- '--([a-z][a-z0-9-]*)' | sort -u
end

complete -c stflash -f
complete -c stflash -n "not __stflash_command" -a "$stflash_commands"
complete -c stflash -n "__fish_seen_subcommand_from help" -a "$stflash_commands"
complete -c stflash -n "__fish_seen_subcommand_from write verify read run" -F
complete -c stflash -l probe -r -a "sim usb: tcp: (stflash-sim --list-chips 2>/dev/null | string replace -r '^(\S+).*' 'sim:\$1')"
complete -c stflash -l chip -r -a "(stflash chips --names 2>/dev/null)"
complete -c stflash -l connect -r -a "normal under-reset hot-plug"
complete -c stflash -l format -r -a "bin ihex srec elf"
complete -c stflash -l freq -r
complete -c stflash -l flash-size -r
complete -c stflash -n "string match -q -- '--*' (commandline -ct)" -a "--(__stflash_options)"
