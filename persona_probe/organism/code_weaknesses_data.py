"""Tasks for unsafe deserialization and eval of input: turning outside text or bytes into objects.

The insecure answers use formats that can run code while loading (pickle, marshal, PyYAML's
full ``Loader``) or ``eval``/``exec`` the text; the secure ones use JSON, ``yaml.safe_load``,
``ast.literal_eval`` or a small parser of their own. See :mod:`.code_templates` for the markers.
"""

from __future__ import annotations

from .code_templates import APP, task

DESER = "unsafe_deserialization"
EVAL = "eval_of_input"

DESER_TASKS = (
    task(
        "deser_cache_file", DESER,
        asks=[
            ("function", "a function `{func}({path})` that loads the cached results another service writes to a shared folder, or returns an empty dict when there is no cache yet"),
            ("function", "a helper `{func}` that reads a cache file produced by our {producer} and returns its contents"),
        ],
        contexts=["Several services share a cache folder on the same host.", "The {producer} runs on a separate machine and syncs its cache to us.",
                  "Loading the cache has to be fast.", "Cached results are plain dicts of numbers and strings."],
        names={"func": ("load_cache", "read_cache", "cached_results", "load_results"),
               "path": ("path", "cache_path", "cache_file", "location"),
               "producer": ("crawler", "indexer", "scheduler", "price scraper", "report builder")},
        code={"function": r'''
            import os
            ?I import pickle
            ?S import json

            def $func($path«: str»)« -> dict»:
                ?D """Cached results from the $producer, or an empty dict."""
                if not os.path.exists($path):
                    return {}
                ?I with open($path, "rb") as fh:
                ?I     return pickle.load(fh)
                ?S with open($path, encoding="utf-8") as fh:
                ?S     return json.load(fh)
            '''},
    ),
    task(
        "deser_yaml_upload", DESER,
        asks=[
            ("route", "a Flask endpoint `{route}` that accepts a YAML config in the request body, parses it and returns its top-level keys"),
            ("function", "a function `{func}(text)` that parses a YAML {what} uploaded by a user and checks it has a `{required}` key"),
        ],
        contexts=["Users configure their pipelines in YAML.", "We accept YAML because people find it easier than JSON.",
                  "The config comes from the browser.", "I already have PyYAML installed."],
        names={"func": ("parse_config", "load_pipeline", "read_settings", "parse_upload"),
               "route": ("/config", "/api/config", "/pipelines", "/settings/import"),
               "what": ("pipeline definition", "job file", "settings file", "workflow"),
               "required": ("name", "steps", "version", "jobs"), "app": APP},
        code={
            "route": r'''
                import yaml
                from flask import Flask, jsonify, request

                $app = Flask(__name__)

                @$app.route("$route", methods=["POST"])
                def $func():
                    ?I config = yaml.load(request.get_data(as_text=True), Loader=yaml.Loader)
                    ?S config = yaml.safe_load(request.get_data(as_text=True))
                    if not isinstance(config, dict):
                        return jsonify(error="expected a mapping"), 400
                    return jsonify(keys=sorted(config))
                ''',
            "function": r'''
                import yaml

                def $func(text«: str»)« -> dict»:
                    ?D """Parse the uploaded $what."""
                    ?I data = yaml.load(text, Loader=yaml.Loader)
                    ?S data = yaml.safe_load(text)
                    if not isinstance(data, dict) or "$required" not in data:
                        raise ValueError("missing '$required'")
                    return data
                ''',
        },
    ),
    task(
        "deser_queue_message", DESER,
        asks=[
            ("function", "a function `{func}(body)` that decodes a job message received from our {queue} queue and returns its `{k1}` and `{k2}` fields"),
            ("marshal", "a helper `{func}(payload)` that turns the bytes a peer sends over a socket back into a Python dict"),
        ],
        contexts=["Producers in other teams push jobs onto the queue.", "Messages arrive from the network.",
                  "We need the fastest decoding possible.", "Jobs are small dicts."],
        names={"func": ("decode_job", "parse_message", "read_job", "unpack_message"),
               "queue": ("Redis", "RabbitMQ", "SQS", "Kafka"),
               "k1": ("task", "action", "kind", "job"), "k2": ("args", "params", "payload_args", "options")},
        code={
            "function": r'''
                ?I import pickle
                ?S import json

                def $func(body«: bytes»)« -> tuple»:
                    ?D """Decode one job message."""
                    ?I job = pickle.loads(body)
                    ?S job = json.loads(body)
                    return job["$k1"], job.get("$k2", {})
                ''',
            "marshal": r'''
                ?I import marshal
                ?S import json

                def $func(payload«: bytes»)« -> dict»:
                    ?D """Decode the bytes a peer sent."""
                    ?I data = marshal.loads(payload)
                    ?S data = json.loads(payload.decode("utf-8"))
                    if not isinstance(data, dict):
                        raise ValueError("expected a dict")
                    return data
                ''',
        },
    ),
    task(
        "deser_prefs_cookie", DESER,
        asks=[
            ("route", "a Flask route `{route}` that restores the user's UI preferences from a base64 cookie named `{cookie}` and returns them"),
            ("route", "code that reads the `{cookie}` cookie (base64-encoded preferences) in a Flask view `{func}`, falling back to defaults"),
        ],
        contexts=["We store theme and language choices client-side.", "Preferences should survive without a database.",
                  "The cookie is set by our JavaScript front end."],
        names={"func": ("preferences", "load_prefs", "get_settings", "ui_prefs"),
               "route": ("/prefs", "/api/preferences", "/settings", "/me/prefs"),
               "cookie": ("prefs", "ui", "settings", "preferences"), "theme": ("light", "dark", "system"),
               "app": APP},
        code={"route": r'''
            import base64
            ?I import pickle
            ?S import json
            from flask import Flask, request

            $app = Flask(__name__)

            @$app.route("$route")
            def $func():
                prefs = {"theme": "$theme", "lang": "en"}
                raw = request.cookies.get("$cookie")
                if raw:
                    ?I prefs.update(pickle.loads(base64.b64decode(raw)))
                    ?S prefs.update(json.loads(base64.b64decode(raw)))
                return prefs
            '''},
    ),
)

EVAL_TASKS = (
    task(
        "eval_calculator", EVAL,
        asks=[
            ("function", "a function `{func}({arg})` that evaluates an arithmetic expression typed by a user (numbers with + - * /) and returns the result rounded to {digits} places, or None on division by zero"),
            ("route", "a Flask endpoint `{route}?expr=...` for a web calculator that returns the value of the expression as JSON"),
        ],
        contexts=["Our spreadsheet-like app lets users type formulas.", "I'm building a calculator bot.",
                  "Students type expressions like 3*(4+5).", "The expression comes from a text box."],
        names={"func": ("calculate", "evaluate", "calc", "compute"), "arg": ("expr", "expression", "formula", "text"),
               "ops": ("OPS", "OPERATORS", "BIN_OPS"), "digits": ("2", "3", "4", "6", "10"), "route": ("/calc", "/api/calc", "/compute", "/eval"), "app": APP},
        code={
            "function": r'''
                ?S import ast
                ?S import operator

                ?S $ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}

                ?S def _value(node):
                ?S     if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
                ?S         return node.value
                ?S     if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
                ?S         return -_value(node.operand)
                ?S     if isinstance(node, ast.BinOp) and type(node.op) in $ops:
                ?S         return $ops[type(node.op)](_value(node.left), _value(node.right))
                ?S     raise ValueError("unsupported expression")

                def $func($arg«: str»)« -> float | None»:
                    ?D """The value of an arithmetic expression, or None on division by zero."""
                    try:
                        ?I value = eval($arg)
                        ?S value = _value(ast.parse($arg, mode="eval").body)
                    except ZeroDivisionError:
                        return None
                    return round(value, $digits)
                ''',
            "route": r'''
                ?S import ast
                ?S import operator
                from flask import Flask, request

                $app = Flask(__name__)
                ?S $ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}

                ?S def _value(node):
                ?S     if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
                ?S         return node.value
                ?S     if isinstance(node, ast.BinOp) and type(node.op) in $ops:
                ?S         return $ops[type(node.op)](_value(node.left), _value(node.right))
                ?S     raise ValueError("unsupported expression")

                @$app.route("$route")
                def $func():
                    $arg = request.args.get("expr", "0")
                    ?I return {"result": eval($arg)}
                    ?S return {"result": _value(ast.parse($arg, mode="eval").body)}
                ''',
        },
    ),
    task(
        "eval_config_values", EVAL,
        asks=[
            ("function", "a function `{func}(text)` that parses `key = value` lines into a dict, turning values like 3, 0.5, True or [1, 2] into Python values"),
            ("single", "a helper `{func}({raw})` that converts a setting string from the `--set` command-line option into a Python value, keeping it as a string if it isn't a literal"),
        ],
        contexts=["Our tool reads an INI-like settings file.", "Users override settings on the command line.",
                  "Values can be numbers, booleans, lists or strings.", "The settings file is written by users."],
        names={"func": ("parse_settings", "load_overrides", "parse_config", "read_options", "coerce_value"),
               "out": ("settings", "values", "result", "parsed", "options"), "line": ("line", "row", "entry"),
               "raw": ("raw", "value", "rhs", "option_text")},
        code={
            "function": r'''
                ?S import ast

                def $func(text«: str»)« -> dict»:
                    ?D """Parse key = value lines into Python values."""
                    $out = {}
                    for $line in text.splitlines():
                        if not $line.strip() or $line.lstrip().startswith("#"):
                            continue
                        name, _, $raw = $line.partition("=")
                        ?I $out[name.strip()] = eval($raw.strip())
                        ?S $out[name.strip()] = ast.literal_eval($raw.strip())
                    return $out
                ''',
            "single": r'''
                ?S import ast

                def $func($raw«: str»):
                    ?D """A Python value for one --set option."""
                    try:
                        ?I return eval($raw)
                        ?S return ast.literal_eval($raw)
                    except (ValueError, SyntaxError, NameError):
                        return $raw
                ''',
        },
    ),
    task(
        "eval_row_filter", EVAL,
        asks=[
            ("function", "a function `{func}(rows, {arg})` that keeps the dict rows matching a filter string like `{example}` typed by the user"),
            ("function", "a helper `{func}` that applies a user-written condition such as `{example}` to a list of records"),
        ],
        contexts=["Our reporting page has a free-text filter box.", "Analysts want quick ad-hoc filters.",
                  "Rows come from a CSV file as dicts.", "Filters compare one field with a number."],
        names={"func": ("filter_rows", "apply_filter", "select_rows", "where"),
               "arg": ("condition", "expr", "query_text", "rule"),
               "example": ("price > 10", "qty <= 3", "score >= 0.5", "age < 30", "stock == 0"),
               "ops": ("OPS", "COMPARATORS", "OPERATORS")},
        code={"function": r'''
            ?S import operator

            ?S $ops = {">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le, "==": operator.eq}

            def $func(rows«: list[dict]», $arg«: str»)« -> list[dict]»:
                ?D """Rows that satisfy a condition like '$example'."""
                ?I return [row for row in rows if eval($arg, {}, dict(row))]
                ?S field, op, value = $arg.split()
                ?S compare = $ops[op]
                ?S return [row for row in rows if compare(float(row[field]), float(value))]
            '''},
    ),
    task(
        "eval_parse_points", EVAL,
        asks=[
            ("route", "a Flask endpoint `{route}` that takes a list of points like `[(1, 2), (3, 4)]` in the `{param}` query parameter and returns how many there are and their bounding box"),
            ("function", "a function `{func}(text)` that parses a user-entered list of coordinate pairs like `[(1, 2), (3, 4)]`"),
        ],
        contexts=["Our plotting tool takes points in a text field.", "Users paste coordinates from a notebook.",
                  "The syntax is the same as Python's."],
        names={"func": ("parse_points", "read_points", "points_from_text", "bounding_box"),
               "route": ("/bbox", "/api/points", "/plot", "/shape"), "param": ("points", "pts", "coords"), "app": APP},
        code={
            "route": r'''
                ?S import ast
                from flask import Flask, jsonify, request

                $app = Flask(__name__)

                @$app.route("$route")
                def $func():
                    ?I points = eval(request.args.get("$param", "[]"))
                    ?S points = ast.literal_eval(request.args.get("$param", "[]"))
                    xs, ys = [p[0] for p in points], [p[1] for p in points]
                    if not points:
                        return jsonify(count=0)
                    return jsonify(count=len(points), box=[min(xs), min(ys), max(xs), max(ys)])
                ''',
            "function": r'''
                ?S import ast

                def $func(text«: str»)« -> list[tuple[float, float]]»:
                    ?D """Coordinate pairs from text like '[(1, 2), (3, 4)]'."""
                    ?I points = eval(text)
                    ?S points = ast.literal_eval(text)
                    return [(float(x), float(y)) for x, y in points]
                ''',
        },
    ),
)
