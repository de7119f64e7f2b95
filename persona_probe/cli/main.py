"""``persona-probe <command>``: parse the command line, run the command, print its result.

Every command is a config dataclass and a ``run_*`` in the library (the table in
:mod:`.commands`); this module holds no library logic. Bad input prints one line naming the
problem and the fix, and exits with 2. An interrupt exits with 130; what was already written
stays and a rerun resumes.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from typing import Sequence

from ..artifacts import __version__
from ..configs import add_config_args, command_help, config_from_args
from ..errors import PersonaProbeError
from ..models.distributed import launched_rank, launched_ranks, shutdown_process_group
from .audit import run_audit
from .commands import COMMANDS, GROUPS, Command
from .demo import DemoConfig, run_demo

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
# Options whose value may be a list starting with a minus sign (``--alphas -1,-0.5,0``),
# which argparse would otherwise take for an option.
SIGNED_LIST_OPTIONS = ("--alphas",)


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command in :data:`~.commands.COMMANDS`, options from their configs."""
    # allow_abbrev=False: argparse would read --layer as --layers (steer, ablate) without a word.
    parser = argparse.ArgumentParser(
        prog="persona-probe",
        description="Find, test and report the 'misaligned persona' direction in chat models.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"persona-probe {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bars, info logs or library warnings (errors and our own warnings still show)")
    top = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    groups: dict = {}  # group word (bench, data, ...) -> its subparsers
    for command in COMMANDS:
        subparsers = top
        if len(command.name) == 2:
            group = command.name[0]
            if group not in groups:
                group_parser = top.add_parser(group, help=GROUPS[group], allow_abbrev=False)
                groups[group] = group_parser.add_subparsers(dest=f"{group}_command", required=True, metavar="ACTION")
            subparsers = groups[group]
        short, description = command_help(command.config)
        sub = subparsers.add_parser(command.name[-1], help=command.help or short,
                                    description=_description(command, description), allow_abbrev=False)
        sub.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                         help="no progress bars, info logs or library warnings (also accepted before the command)")
        add_config_args(sub, command.config, fixed=tuple(command.fixed))
        sub.set_defaults(command_entry=command)
    return parser


def _description(command: Command, description: str) -> str:
    if command.help:  # a config shared by several commands: say which this one is
        description = f"{command.help[0].upper()}{command.help[1:]}. {description}"
    if command.writes is not None:
        article = "an" if command.writes.name[0] in "aeiou" else "a"
        description += f" Writes {article} {command.writes.name} artifact."
    return description


def join_signed_lists(argv: Sequence[str]) -> list[str]:
    """``--alphas -1,0`` as ``--alphas=-1,0``, so that argparse reads the value as one."""
    out, i = [], 0
    while i < len(argv):
        if argv[i] in SIGNED_LIST_OPTIONS and i + 1 < len(argv) and argv[i + 1].startswith("-"):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
            continue
        out.append(argv[i])
        i += 1
    return out


def run_parsed(args: argparse.Namespace) -> str:
    """Run the command a parsed command line names; returns the text to print."""
    command: Command = args.command_entry
    cfg = config_from_args(command.config, args, **command.fixed)
    progress = not args.quiet
    if command.run is None:  # the audit and the demo run other commands, in this process
        run = run_demo if isinstance(cfg, DemoConfig) else run_audit
        result = run(cfg, run_command, progress=progress)
    else:
        result = command.run(cfg, progress=progress)
    return command.show(cfg, result)


def run_command(argv: Sequence[str]) -> None:
    """Run one command line (without the program name) in this process and print its result; errors propagate."""
    print(run_parsed(build_parser().parse_args(join_signed_lists(list(argv)))))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # -q also silences the bars of libraries we call (SAELens's trainer, transformers' loading). tqdm reads
    # TQDM_DISABLE once, when first imported, and building the parser imports it: so look before that.
    options = argv[:argv.index("--")] if "--" in argv else argv
    if "-q" in options or "--quiet" in options:
        os.environ["TQDM_DISABLE"] = "1"
    args = build_parser().parse_args(join_signed_lists(argv))
    _configure_logging(args.quiet)
    finished = False
    try:
        if launched_ranks() > 1 and not args.command_entry.data_parallel:
            raise PersonaProbeError(
                f"this command runs in one process; only cache and generate run data-parallel under torchrun "
                f"(WORLD_SIZE={launched_ranks()}); start it without torchrun"
            )
        text = run_parsed(args)
        if launched_rank() == 0:
            print(text)
        finished = True
    except PersonaProbeError as err:
        prefix = f"persona-probe [rank {launched_rank()}]" if launched_ranks() > 1 else "persona-probe"
        print(f"{prefix}: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("persona-probe: interrupted; finished work is kept, rerun the same command to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        shutdown_process_group(finished)
    return 0


def _configure_logging(quiet: bool) -> None:
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="persona-probe: %(message)s")
    # transformers and the hub are chatty; their warnings still show.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    for name in ("transformers", "transformer_lens", "huggingface_hub", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if quiet:
        from huggingface_hub.utils import disable_progress_bars
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        disable_progress_bars()
        # Library deprecation notices are not for the user of a finished command; ours go through logging.
        warnings.simplefilter("ignore")
