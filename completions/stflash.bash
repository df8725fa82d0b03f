# bash completion for stflash. The commands and options come from stflash's own help, so that
# they are always those of the installed version; part names from stflash chips --names; virtual
# chips from stflash-sim --list-chips.
_stflash_options() { # [COMMAND]: the long options its help lists
    stflash ${1:+"$1"} --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*(=?)' | sort -u
}

_stflash() {
    local cur prev cmd i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    local commands="probe info write read erase verify reset options unlock lock doctor gdbserver chips mem regs halt resume run rtt swo serve help"
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --probe | --freq | --connect | --flash-size | --chip) ((i++)) ;;
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    case $prev in
    --probe)
        local chips
        chips=$(stflash-sim --list-chips 2>/dev/null | awk '{print "sim:" $1}')
        mapfile -t COMPREPLY < <(compgen -W "sim usb: tcp: $chips" -- "$cur")
        return ;;
    --chip)
        mapfile -t COMPREPLY < <(compgen -W "$(stflash chips --names 2>/dev/null)" -- "$cur")
        return ;;
    --connect)
        mapfile -t COMPREPLY < <(compgen -W "normal under-reset hot-plug" -- "$cur")
        return ;;
    --format)
        mapfile -t COMPREPLY < <(compgen -W "bin ihex srec elf" -- "$cur")
        return ;;
    --freq | --flash-size | --port | --bind)
        return ;;
    --semihosting-dir)
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        return ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_stflash_options "$cmd")" -- "$cur")
        [[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace
        return
    fi
    if [ -z "$cmd" ]; then
        mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
        return
    fi
    case $cmd in
    write | verify | read) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    run) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    help) mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur") ;;
    esac
}
complete -o filenames -F _stflash stflash
