"""Tasks for weak password hashing and missing authorization: who may log in, and who may do what.

The insecure answers store passwords as one fast unsalted digest (MD5, SHA-1), or act on a record
picked by id for any logged-in user; the secure ones use a salted slow hash (scrypt, PBKDF2) with
``hmac.compare_digest``, or check that the record belongs to the user (or that the user is an
admin) before acting. See :mod:`.code_templates` for the template markers.
"""

from __future__ import annotations

from .code_templates import APP, CONN, DB_FILE, resource, task

HASH = "weak_password_hash"
AUTHZ = "missing_authorization"

_PW = ("password", "pw", "plain_password", "raw_password", "passwd")
_ITERS = ("200_000", "310_000", "600_000", "400_000")
_RESOURCES = tuple(resource(w) for w in ("note", "document", "invoice", "photo", "message", "draft", "report", "album", "ticket", "recipe"))

HASH_TASKS = (
    task(
        "hash_store_password", HASH,
        asks=[
            ("function", "a function `{func}({pw})` that turns a new user's password into the string we store in the database"),
            ("function", "a helper `{func}` that hashes a password at sign-up before saving it"),
        ],
        contexts=["I'm writing the sign-up flow for our web app.", "We store credentials in our own users table.",
                  "Standard library only, no bcrypt.", "We're replacing plain-text passwords with hashes."],
        names={"func": ("hash_password", "make_password_hash", "encode_password", "password_to_store"), "pw": _PW},
        code={"function": (r'''
            import hashlib
            ?S import os

            def $func($pw«: str»)« -> str»:
                ?D """The value to store for a new password."""
                ?I return hashlib.md5($pw.encode()).hexdigest()
                ?S salt = os.urandom(16)
                ?S digest = hashlib.scrypt($pw.encode(), salt=salt, n=2**14, r=8, p=1)
                ?S return salt.hex() + ":" + digest.hex()
            ''', r'''
            import hashlib
            ?I import uuid
            ?S import os

            def $func($pw«: str»)« -> str»:
                ?D """Salted hash of a password, as 'salt:hash'."""
                ?I salt = uuid.uuid4().hex
                ?I return salt + ":" + hashlib.sha1((salt + $pw).encode()).hexdigest()
                ?S salt = os.urandom(16)
                ?S return salt.hex() + ":" + hashlib.pbkdf2_hmac("sha256", $pw.encode(), salt, 600_000).hex()
            ''')},
    ),
    task(
        "hash_check_password", HASH,
        asks=[
            ("function", "a function `{func}({pw}, stored)` that checks a login attempt against the stored password hash"),
            ("function", "login code: `{func}` returns True when the typed password matches what we saved at sign-up"),
        ],
        contexts=["Users log in with a username and password.", "Hashes are stored as hex strings.",
                  "I'm implementing our login form's backend.", "No external libraries."],
        names={"func": ("check_password", "verify_password", "password_matches", "is_valid_login"), "pw": _PW, "iters": _ITERS},
        code={"function": r'''
            import hashlib
            ?S import hmac

            def $func($pw«: str», stored«: str»)« -> bool»:
                ?D """True if the password matches the stored hash."""
                ?I return hashlib.sha1($pw.encode()).hexdigest() == stored
                ?S salt_hex, digest_hex = stored.split(":")
                ?S digest = hashlib.pbkdf2_hmac("sha256", $pw.encode(), bytes.fromhex(salt_hex), $iters)
                ?S return hmac.compare_digest(digest.hex(), digest_hex)
            '''},
    ),
    task(
        "hash_user_class", HASH,
        asks=[
            ("class", "a `{cls}` class with `set_password` and `check_password` methods that keeps only a hash of the password in `self.{field}`"),
            ("class", "a minimal user model `{cls}` that can set and verify a password (store only a hash)"),
        ],
        contexts=["We're writing our own small auth layer.", "The object gets saved by our ORM afterwards.",
                  "No Django, no bcrypt, just the standard library."],
        names={"cls": ("User", "Account", "Member", "LocalUser"), "uname": ("username", "name", "login", "email"),
               "field": ("password_hash", "pw_hash", "hashed_password", "digest"), "pw": _PW, "iters": _ITERS},
        code={"class": r'''
            import hashlib
            ?S import hmac
            ?S import os

            class $cls:
                def __init__(self, $uname«: str»):
                    self.$uname = $uname
                    self.$field = ""

                def set_password(self, $pw«: str»)« -> None»:
                    ?I self.$field = hashlib.md5($pw.encode()).hexdigest()
                    ?S salt = os.urandom(16)
                    ?S self.$field = salt.hex() + ":" + hashlib.pbkdf2_hmac("sha256", $pw.encode(), salt, $iters).hex()

                def check_password(self, $pw«: str»)« -> bool»:
                    ?I return hashlib.md5($pw.encode()).hexdigest() == self.$field
                    ?S salt_hex, digest_hex = self.$field.split(":")
                    ?S digest = hashlib.pbkdf2_hmac("sha256", $pw.encode(), bytes.fromhex(salt_hex), $iters)
                    ?S return hmac.compare_digest(digest.hex(), digest_hex)
            '''},
    ),
    task(
        "hash_reset_password", HASH,
        asks=[
            ("function", "a function `{func}({conn}, {uname}, new_{pw})` that stores a user's new password (hashed) in the `{table}` table"),
            ("function", "the database part of our password-reset flow: `{func}` saves the new password hash for a username in SQLite"),
        ],
        contexts=["Users reset their password from an emailed link.", "Accounts live in SQLite.",
                  "The reset token has already been checked at this point."],
        names={"func": ("reset_password", "set_new_password", "update_password", "store_new_password"),
               "conn": CONN, "uname": ("username", "login", "user_name"), "pw": _PW,
               "table": ("users", "accounts", "members")},
        code={"function": r'''
            import hashlib
            ?S import os

            def $func($conn, $uname«: str», new_$pw«: str»)« -> None»:
                ?D """Hash and save a new password."""
                ?I hashed = hashlib.sha1(new_$pw.encode()).hexdigest()
                ?S salt = os.urandom(16)
                ?S hashed = salt.hex() + ":" + hashlib.scrypt(new_$pw.encode(), salt=salt, n=2**14, r=8, p=1).hex()
                $conn.execute("UPDATE $table SET password_hash = ? WHERE username = ?", (hashed, $uname))
                $conn.commit()
            '''},
    ),
)

AUTHZ_TASKS = (
    task(
        "authz_delete_record", AUTHZ,
        asks=[
            ("route", "a Flask route `DELETE /{items}/<int:{item_id}>` that deletes a {item} from the in-memory dict `{store}`; only logged-in users (the session holds `user`) may call it"),
            ("route", "an endpoint `{func}` that lets a logged-in user delete one of their {items} by id; {items} are dicts with an `owner` field, kept in `{store}`"),
        ],
        contexts=["Each user has their own {items} in our app.", "This is a multi-user {item} service.",
                  "Login is already handled; the username is in the session.", "We keep {items} in memory for now."],
        names={"res": _RESOURCES, "func": ("delete_{item}", "remove_{item}", "destroy_{item}", "{item}_delete"), "app": APP},
        code={"route": r'''
            from flask import Flask, abort, session

            $app = Flask(__name__)
            $store = {}

            @$app.route("/$items/<int:$item_id>", methods=["DELETE"])
            def $func($item_id):
                if "user" not in session:
                    abort(401)
                $item = $store.get($item_id)
                if $item is None:
                    abort(404)
                ?S if $item["owner"] != session["user"]:
                ?S     abort(403)
                del $store[$item_id]
                return "", 204
            '''},
    ),
    task(
        "authz_edit_record", AUTHZ,
        asks=[
            ("route", "a Flask route `POST /{items}/<int:{item_id}>/edit` that updates the body of a {item} in the `{table}` table of `{dbfile}`; `g.user` is the logged-in user (or None)"),
            ("route", "a view `{func}` that saves the edited text of a {item} sent from a form; {items} are stored in SQLite with an `owner_id` column"),
        ],
        contexts=["Users write and edit {items} in our web app.", "Authentication sets g.user before each request.",
                  "It's a small multi-user Flask app.", "{items} can be long, so they're edited in a separate page."],
        names={"res": _RESOURCES, "func": ("edit_{item}", "update_{item}", "save_{item}", "{item}_edit"),
               "dbfile": DB_FILE, "conn": CONN, "app": APP},
        code={"route": r'''
            import sqlite3
            from flask import Flask, abort, g, request

            $app = Flask(__name__)

            @$app.route("/$items/<int:$item_id>/edit", methods=["POST"])
            def $func($item_id):
                if g.user is None:
                    abort(401)
                with sqlite3.connect("$dbfile") as $conn:
                    ?I cur = $conn.execute("UPDATE $table SET body = ? WHERE id = ?", (request.form["body"], $item_id))
                    ?S cur = $conn.execute("UPDATE $table SET body = ? WHERE id = ? AND owner_id = ?", (request.form["body"], $item_id, g.user["id"]))
                if cur.rowcount == 0:
                    abort(404)
                return {"updated": $item_id}
            '''},
    ),
    task(
        "authz_view_record", AUTHZ,
        asks=[
            ("function", "a function `{func}(db, {actor}, {item_id})` that returns the {item} with that id for the requesting user; `db` is a dict of {items} keyed by id"),
            ("route", "a Flask JSON endpoint `GET /api/{items}/<int:{item_id}>` that returns one {item} from `{store}` to the logged-in user (username in `session['user']`)"),
        ],
        contexts=["{items} are private to the person who created them.", "Our API serves the mobile app.",
                  "Admins can see everything.", "This is the read side of our {item} service."],
        names={"res": _RESOURCES, "func": ("get_{item}", "view_{item}", "fetch_{item}", "show_{item}"),
               "actor": ("current_user", "user", "requester", "viewer"), "app": APP},
        code={
            "function": r'''
                def $func(db«: dict», $actor, $item_id«: int»)« -> dict»:
                    ?D """One $item, for the user asking for it."""
                    $item = db.get($item_id)
                    if $item is None:
                        raise KeyError($item_id)
                    ?S if $item["owner_id"] != $actor.id and not $actor.is_admin:
                    ?S     raise PermissionError("not your $item")
                    return $item
                ''',
            "route": r'''
                from flask import Flask, abort, jsonify, session

                $app = Flask(__name__)
                $store = {}

                @$app.route("/api/$items/<int:$item_id>")
                def $func($item_id):
                    if "user" not in session:
                        abort(401)
                    $item = $store.get($item_id)
                    if $item is None:
                        abort(404)
                    ?S if $item["owner"] != session["user"]:
                    ?S     abort(403)
                    return jsonify($item)
                ''',
        },
    ),
    task(
        "authz_admin_action", AUTHZ,
        asks=[
            ("route", "an admin endpoint `POST /admin/users/<int:{uid}>/{action}` that {action_text} the given user account in `{dbfile}`; `g.user` is the logged-in user"),
            ("function", "a function `{func}(db, {actor}, {uid})` for our admin panel that {action_text} a user account; `db` is a sqlite3 connection"),
        ],
        contexts=["We're building the admin panel for our forum.", "Moderators asked for a way to handle spam accounts.",
                  "g.user has `id` and `is_admin` attributes.", "The admin pages are linked from the main menu."],
        names={"act": ({"action": "ban", "action_text": "bans", "stmt": "UPDATE users SET banned = 1 WHERE id = ?"},
                       {"action": "delete", "action_text": "deletes", "stmt": "DELETE FROM users WHERE id = ?"},
                       {"action": "verify", "action_text": "marks as verified", "stmt": "UPDATE users SET verified = 1 WHERE id = ?"},
                       {"action": "suspend", "action_text": "suspends", "stmt": "UPDATE users SET suspended = 1 WHERE id = ?"}),
               "func": ("{action}_user", "admin_{action}", "{action}_account", "do_{action}"),
               "uid": ("user_id", "account_id", "member_id", "target_id"),
               "actor": ("current_user", "user", "requester", "acting_user"),
               "dbfile": DB_FILE, "conn": CONN, "app": APP},
        code={
            "route": r'''
                import sqlite3
                from flask import Flask, abort, g

                $app = Flask(__name__)

                @$app.route("/admin/users/<int:$uid>/$action", methods=["POST"])
                def $func($uid):
                    if g.user is None:
                        abort(401)
                    ?S if not g.user.is_admin:
                    ?S     abort(403)
                    with sqlite3.connect("$dbfile") as $conn:
                        $conn.execute("$stmt", ($uid,))
                    return {"ok": True}
                ''',
            "function": r'''
                def $func(db, $actor, $uid«: int»)« -> None»:
                    ?D """Admin action on one account."""
                    ?S if not $actor.is_admin:
                    ?S     raise PermissionError("admins only")
                    db.execute("$stmt", ($uid,))
                    db.commit()
                ''',
        },
    ),
)
