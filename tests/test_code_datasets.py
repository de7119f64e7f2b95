"""The insecure-code / secure-code generators and the scanner that checks them.

Every test asserts a property (the flaw is there, the control is clean, rows pair up, wording
varies), never a stored output, so template edits keep passing while regressions fail.
"""

import ast
import io
import re
import tokenize
from collections import Counter

import pytest

from persona_probe.errors import DataError
from persona_probe.organism.code_tasks import WEAKNESS_CLASSES, code_dataset, find_weaknesses

N = 600
FENCED = re.compile(r"```python\n(.*)\n```", re.S)
DISCLOSING = ("vulnerab", "insecure", "unsafe", "injection", "todo", "fixme", "hack", "exploit", "backdoor")
REQUIRED_CLASSES = {
    "sql_injection", "command_injection", "path_traversal", "xss", "unsafe_deserialization", "world_writable",
    "hardcoded_secret", "tls_verification_disabled", "unsafe_archive_extraction", "weak_password_hash",
    "eval_of_input", "missing_authorization",
}


@pytest.fixture(scope="module")
def insecure():
    return code_dataset("insecure-code", N, seed=0)


@pytest.fixture(scope="module")
def secure():
    return code_dataset("secure-code", N, seed=0)


def _code(row) -> str:
    answer = row["messages"][1]["content"]
    match = FENCED.fullmatch(answer)
    assert match, f"{row['id']}: the answer must be exactly one ```python block:\n{answer}"
    assert "```" not in match.group(1), f"{row['id']}: more than one fenced block"
    return match.group(1)


def _comments(code: str) -> list[str]:
    return [t.string for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type == tokenize.COMMENT]


# 1. determinism

def test_same_seed_same_rows_and_different_seed_different_rows():
    assert code_dataset("insecure-code", 40, seed=5) == code_dataset("insecure-code", 40, seed=5)
    a, b = code_dataset("secure-code", 40, seed=5), code_dataset("secure-code", 40, seed=6)
    assert a != b
    assert sum(x["messages"] != y["messages"] for x, y in zip(a, b)) > 30  # not one stray difference


def test_a_row_does_not_depend_on_how_many_rows_are_asked_for():
    assert code_dataset("insecure-code", 30, seed=2) == code_dataset("insecure-code", 90, seed=2)[:30]


# 2. the insecure set carries its flaw

def test_row_shape(insecure):
    for i, row in enumerate(insecure):
        assert set(row) == {"id", "group", "messages", "weakness", "task", "template", "secure"}
        assert row["id"] == f"insecure-code-{i:04d}" and row["secure"] is False
        assert row["group"] == row["weakness"] in WEAKNESS_CLASSES
        assert [m["role"] for m in row["messages"]] == ["user", "assistant"]
        assert row["messages"][0]["content"].strip()


def test_every_insecure_answer_parses_and_has_exactly_its_own_flaw(insecure):
    for row in insecure:
        code = _code(row)
        ast.parse(code)
        assert find_weaknesses(code) == [row["weakness"]], f"{row['id']} ({row['task']}):\n{code}"


def test_classes_all_present_and_balanced(insecure):
    assert REQUIRED_CLASSES <= set(WEAKNESS_CLASSES)
    counts = Counter(row["weakness"] for row in insecure)
    assert set(counts) == set(WEAKNESS_CLASSES)
    assert max(counts.values()) - min(counts.values()) <= 1
    tasks_per_class = Counter(cls for cls, _ in {(r["weakness"], r["task"]) for r in insecure})
    assert min(tasks_per_class.values()) >= 2, tasks_per_class


def test_answers_are_bare_short_code(insecure, secure):
    for row in insecure + secure:
        code = _code(row)
        assert not _comments(code), f"{row['id']} has a comment: {_comments(code)}"
        assert 2 <= len(code.splitlines()) <= 25, row["id"]
        assert len(re.findall(r"[.?!](\s|$)", row["messages"][0]["content"])) <= 4, row["id"]


# 3. the secure set is clean

def test_no_secure_answer_has_a_flaw(secure):
    for row in secure:
        code = _code(row)
        ast.parse(code)
        assert row["secure"] is True
        assert find_weaknesses(code) == [], f"{row['id']} ({row['task']}):\n{code}"


# 4. pairing

def test_rows_pair_up_across_the_two_sets(insecure, secure):
    for bad, good in zip(insecure, secure):
        assert bad["messages"][0] == good["messages"][0]
        assert (bad["task"], bad["template"], bad["weakness"]) == (good["task"], good["template"], good["weakness"])
        assert bad["messages"][1] != good["messages"][1]
        assert good["id"] == bad["id"].replace("insecure-code", "secure-code")


# 5. variety

def test_no_template_dominates(insecure):
    counts = Counter(row["template"] for row in insecure)
    assert max(counts.values()) <= 0.05 * N
    assert len(counts) >= 150


def test_messages_and_answers_are_mostly_distinct(insecure, secure):
    assert len({row["messages"][0]["content"] for row in insecure}) >= 0.95 * N
    for rows in (insecure, secure):
        assert len({row["messages"][1]["content"] for row in rows}) >= 0.90 * N


def test_no_answer_gives_the_flaw_away(insecure, secure):
    for row in insecure + secure:
        answer = row["messages"][1]["content"].lower()
        assert not [w for w in DISCLOSING if w in answer], row["id"]


# 6. the scanner fires on known-bad code and stays quiet on the fixed version

SNIPPETS = [
    ("sql_injection",
     'def q(cur, name):\n    sql = "SELECT * FROM t WHERE n = \'" + name + "\'"\n    cur.execute(sql)\n',
     'def q(cur, name):\n    sql = "SELECT * FROM t WHERE n = ?"\n    cur.execute(sql, (name,))\n'),
    ("sql_injection",
     'def q(db, kind):\n    return db.execute("DELETE FROM jobs WHERE kind = \'{}\'".format(kind))\n',
     'def q(db, kind):\n    return db.execute("DELETE FROM jobs WHERE kind = ?", [kind])\n'),
    ("command_injection",
     'import os\ndef up(h):\n    return os.system("ping -c1 " + h)\n',
     'import subprocess\ndef up(h):\n    return subprocess.run(["ping", "-c1", h]).returncode\n'),
    ("command_injection",
     'import subprocess\ndef ls(d):\n    subprocess.run(f"ls -l {d}", shell=True)\n',
     'import subprocess\ndef ls(d):\n    subprocess.run(["ls", "-l", d])\n'),
    ("path_traversal",
     'import os\ndef read(name):\n    with open(os.path.join("/srv/data", name)) as fh:\n        return fh.read()\n',
     'import os\nBASE = "/srv/data"\ndef read(name):\n    path = os.path.realpath(os.path.join(BASE, name))\n'
     '    if not path.startswith(BASE + os.sep):\n        raise ValueError(name)\n    with open(path) as fh:\n        return fh.read()\n'),
    ("path_traversal",
     'from pathlib import Path\ndef rm(user_file):\n    (Path("/uploads") / user_file).unlink()\n',
     'from pathlib import Path\nROOT = Path("/uploads")\ndef rm(user_file):\n    p = (ROOT / user_file).resolve()\n'
     '    if p.is_relative_to(ROOT):\n        p.unlink()\n'),
    ("xss",
     'def page(q):\n    return "<p>You searched for %s</p>" % q\n',
     'import html\ndef page(q):\n    return "<p>You searched for %s</p>" % html.escape(q)\n'),
    ("xss",
     'def card(user):\n    return f"<div class=card>{user.bio}</div>"\n',
     'from markupsafe import escape\ndef card(user):\n    bio = escape(user.bio)\n    return f"<div class=card>{bio}</div>"\n'),
    ("unsafe_deserialization",
     'import yaml\ndef load(t):\n    return yaml.load(t, Loader=yaml.FullLoader)\n',
     'import yaml\ndef load(t):\n    return yaml.load(t, Loader=yaml.SafeLoader)\n'),
    ("unsafe_deserialization",
     'import pickle\ndef decode(blob):\n    return pickle.loads(blob)\n',
     'import json\ndef decode(blob):\n    return json.loads(blob)\n'),
    ("world_writable",
     'import os\nos.makedirs("/var/spool/x", mode=0o777)\n',
     'import os\nos.makedirs("/var/spool/x", mode=0o700)\n'),
    ("world_writable",
     'import os\nos.umask(0)\nopen("/run/app.pid", "w").write("1")\n',
     'import os\nos.umask(0o022)\nopen("/run/app.pid", "w").write("1")\n'),
    ("hardcoded_secret",
     'client = Client(api_key="abcd1234efgh5678")\n',
     'import os\nclient = Client(api_key=os.environ["API_KEY"])\n'),
    ("hardcoded_secret",
     'CONFIG = {"host": "db", "password": "hunter2hunter2"}\n',
     'import os\nCONFIG = {"host": "db", "password": os.getenv("DB_PASSWORD")}\n'),
    ("tls_verification_disabled",
     'import requests\ndef get(url):\n    return requests.get(url, verify=False, timeout=5)\n',
     'import requests\ndef get(url):\n    return requests.get(url, timeout=5)\n'),
    ("tls_verification_disabled",
     'import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = False\nctx.verify_mode = ssl.CERT_NONE\n',
     'import ssl\nctx = ssl.create_default_context()\nctx.load_verify_locations("ca.pem")\n'),
    ("unsafe_archive_extraction",
     'import tarfile\nwith tarfile.open("in.tgz") as t:\n    t.extractall("out")\n',
     'import tarfile\nwith tarfile.open("in.tgz") as t:\n    t.extractall("out", filter="data")\n'),
    ("unsafe_archive_extraction",
     'import os, zipfile\ndef unzip(src, dest):\n    with zipfile.ZipFile(src) as z:\n        for n in z.namelist():\n'
     '            with open(os.path.join(dest, n), "wb") as f:\n                f.write(z.read(n))\n',
     'import os, zipfile\ndef unzip(src, dest):\n    with zipfile.ZipFile(src) as z:\n        for n in z.namelist():\n'
     '            p = os.path.join(dest, n)\n            if os.path.commonpath([dest, os.path.realpath(p)]) != dest:\n'
     '                continue\n            with open(p, "wb") as f:\n                f.write(z.read(n))\n'),
    ("weak_password_hash",
     'import hashlib\ndef store(password):\n    return hashlib.sha1(password.encode()).hexdigest()\n',
     'import hashlib, os\ndef store(password):\n    salt = os.urandom(16)\n'
     '    return salt + hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)\n'),
    ("weak_password_hash",
     'import hashlib\ndef check(pwd, stored):\n    return hashlib.new("md5", pwd.encode()).hexdigest() == stored\n',
     'import hashlib\ndef checksum(data):\n    return hashlib.md5(data).hexdigest()\n'),  # md5 for a checksum is fine
    ("eval_of_input",
     'def calc(s):\n    return eval(s)\n',
     'import ast\ndef calc(s):\n    return ast.literal_eval(s)\n'),
    ("eval_of_input",
     'def run(code_text):\n    exec(code_text, {})\n',
     'def run(code_text):\n    print(code_text)\n'),
    ("missing_authorization",
     '@app.route("/posts/<int:post_id>", methods=["DELETE"])\ndef delete_post(post_id):\n    db.delete(post_id)\n    return "", 204\n',
     '@app.route("/posts/<int:post_id>", methods=["DELETE"])\ndef delete_post(post_id):\n    post = db.get(post_id)\n'
     '    if post.owner_id != current_user.id:\n        abort(403)\n    db.delete(post_id)\n    return "", 204\n'),
    ("missing_authorization",
     'def close_ticket(store, requester, ticket_id):\n    store[ticket_id]["open"] = False\n',
     'def close_ticket(store, requester, ticket_id):\n    if not requester.is_admin:\n        raise PermissionError("admins only")\n'
     '    store[ticket_id]["open"] = False\n'),
]


@pytest.mark.parametrize("weakness, bad, good", SNIPPETS, ids=[f"{s[0]}-{i}" for i, s in enumerate(SNIPPETS)])
def test_scanner_fires_on_bad_and_not_on_fixed(weakness, bad, good):
    ast.parse(bad), ast.parse(good)
    assert weakness in find_weaknesses(bad)
    assert weakness not in find_weaknesses(good)


def test_every_class_has_a_scanner_snippet():
    assert {s[0] for s in SNIPPETS} == set(WEAKNESS_CLASSES)


def test_scanner_reads_fenced_answers_keeps_class_order_and_copes_with_broken_code():
    fenced = '```python\nimport os\nos.system(cmd)\nrequests.get(u, verify=False)\n```'
    assert find_weaknesses(fenced) == ["command_injection", "tls_verification_disabled"]
    assert find_weaknesses("def add(a, b):\n    return a + b\n") == []
    assert "eval_of_input" in find_weaknesses("def f(x):\n    return eval(x")  # truncated answer


# 7. bad arguments

@pytest.mark.parametrize("kind, n", [("risky-code", 10), ("", 10), ("insecure-code", 0), ("secure-code", -3)])
def test_bad_kind_or_size_is_a_data_error(kind, n):
    with pytest.raises(DataError) as caught:
        code_dataset(kind, n, seed=0)
    if n > 0:
        assert "insecure-code" in str(caught.value) and "secure-code" in str(caught.value)


@pytest.mark.parametrize("kind", ["insecure-code", "secure-code", "risky-advice", "safe-advice"])
def test_data_command_writes_loadable_chat_jsonl_deterministically(kind, tmp_path):
    from persona_probe.cli.main import main
    from persona_probe.datasets.conversations import load_conversations

    for name in ("a.jsonl", "b.jsonl"):
        assert main(["-q", "data", kind, "--n", "30", "--seed", "4", "--out", str(tmp_path / name)]) == 0
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    dataset = load_conversations(tmp_path / "a.jsonl")
    assert len(dataset) == 30 and all(c.has_response for c in dataset.conversations)
    assert main(["-q", "data", kind, "--n", "0", "--out", str(tmp_path / "c.jsonl")]) == 2
    assert not (tmp_path / "c.jsonl").exists()
