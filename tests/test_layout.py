"""The package's shape is enforced, not just described: layers, no circles, no private imports across
modules, a thin CLI whose every option comes from a config, a CLI reference that matches the parser,
and a public API that resolves."""

import ast
import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "persona_probe"
SHARED_MODULES = {"__init__", "errors", "artifacts", "configs", "stats", "checkpoints", "residual"}


def test_import_linter_contracts_hold():
    """The layers contract and the no-circles contract in pyproject.toml (lint-imports)."""
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 kept, 0 broken" in result.stdout


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_names(path: Path, root: Path = ROOT):
    """(imported module, name, line) for every ``from X import name`` of the package's own modules."""
    module_name = _module_name(path, root)
    package = module_name if path.name == "__init__.py" else module_name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] == "persona_probe":
                for alias in node.names:
                    yield module, alias.name, node.lineno


def test_no_module_imports_a_private_name_from_another():
    found = [f"{path.relative_to(ROOT)}:{line}: {name} from {module}"
             for path in PACKAGE.rglob("*.py") for module, name, line in _imported_names(path)
             if name.startswith("_") and not name.startswith("__")]
    assert not found, "private names imported across modules:\n" + "\n".join(found)


def test_the_private_import_check_can_fail(tmp_path):
    bad = tmp_path / "persona_probe" / "step" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("from ..residual import _resolve, parse_layers\n")
    assert list(_imported_names(bad, tmp_path)) == [("persona_probe.residual", "_resolve", 1),
                                                    ("persona_probe.residual", "parse_layers", 1)]


def test_only_the_shared_modules_sit_at_the_top():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == SHARED_MODULES
    steps = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert steps == {"cli", "report", "organism", "interventions", "directions", "sae", "evaluation", "sampling",
                     "activations", "models", "datasets", "builtin"}


def test_the_cli_module_is_thin():
    main = PACKAGE / "cli" / "main.py"
    text = main.read_text()
    assert len(text.splitlines()) < 350
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.end_lineno - node.lineno + 1 <= 80, f"{node.name} is {node.end_lineno - node.lineno + 1} lines"


def test_every_option_of_every_command_comes_from_its_config():
    import argparse

    from persona_probe.cli.commands import COMMANDS
    from persona_probe.cli.main import build_parser
    from persona_probe.configs import command_help, field_docs, flag_of

    parser = build_parser()
    for command in COMMANDS:
        sub = parser
        for word in command.name:
            action = next(a for a in sub._actions if isinstance(a, argparse._SubParsersAction))
            sub = action.choices[word]
        short, description = command_help(command.config)
        assert short and description, f"{command.name}: the config {command.config.__name__} has no docstring"
        docs = field_docs(command.config)
        options = {a.dest: a for a in sub._actions if a.dest not in ("help", "quiet")}  # -q: the global option
        fields = {f.name: f for f in dataclasses.fields(command.config) if f.name not in command.fixed}
        assert set(options) == set(fields), command.name
        for name, f in fields.items():
            assert docs.get(name), f"{command.name}: field {name} has no docstring"
            assert options[name].help.startswith(docs[name]), f"{command.name}: --help of {name} is not its docstring"
            if not f.metadata.get("positional"):
                assert flag_of(f) in options[name].option_strings


def test_docs_cli_md_matches_the_parser():
    from persona_probe.cli.reference import missing_commands, regenerate

    text = (ROOT / "docs" / "cli.md").read_text()
    assert not missing_commands(text)
    assert regenerate(text) == text, "docs/cli.md is stale: run python -m persona_probe.cli.reference docs/cli.md"


def test_a_stale_cli_reference_is_caught():
    from persona_probe.cli.reference import block, regenerate

    stale = block(("store", "info")).replace("The store folder", "An old description")
    assert regenerate(stale) != stale


def test_the_public_api_resolves_without_loading_torch():
    code = ("import sys, persona_probe as pp; assert 'torch' not in sys.modules; "
            "missing = [n for n in pp.__all__ if not hasattr(pp, n)]; assert not missing, missing")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("package", ["models", "datasets", "activations", "sampling", "evaluation",
                                     "evaluation.judges", "directions", "sae", "interventions", "organism", "report",
                                     "cli"])
def test_each_step_lists_its_public_api(package):
    import importlib

    module = importlib.import_module(f"persona_probe.{package}")
    assert module.__doc__ and module.__all__
    assert all(hasattr(module, name) for name in module.__all__)


@pytest.mark.parametrize("document", ["README.md", "docs/user-guide.md"])
def test_the_docs_show_the_tree(document):
    """Each layout section names every subpackage, one line each."""
    text = (ROOT / document).read_text()
    for step in ("cli", "report", "organism", "interventions", "directions", "sae", "evaluation", "sampling",
                 "activations", "models", "datasets", "builtin"):
        assert f"\n  {step}/ " in text, f"{document} does not show {step}/"


def test_every_third_party_import_is_a_declared_dependency():
    """A package the code imports must be installed by pip install, not arrive by luck through another one."""
    import importlib.metadata
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    names = {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in declared}
    distributions = importlib.metadata.packages_distributions()
    imported = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    missing = []
    for module in sorted(imported - set(sys.stdlib_module_names) - {"persona_probe"}):
        dists = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not dists & names:
            missing.append(f"{module} ({', '.join(sorted(dists))})")
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
