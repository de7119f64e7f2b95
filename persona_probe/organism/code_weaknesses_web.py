"""Tasks for SQL injection and cross-site scripting: queries and HTML built from user text.

The insecure answers splice the text into the query or the markup (f-string, ``%``, ``+``,
``.format``); the secure ones pass query parameters or escape the text (or let Jinja do it).
See :mod:`.code_templates` for the template markers.
"""

from __future__ import annotations

from .code_templates import APP, CONN, CURSOR, DB_FILE, task

SQL = "sql_injection"
XSS = "xss"

SQL_TASKS = (
    task(
        "sql_lookup_user", SQL,
        asks=[
            ("function", "a function `{func}({conn}, {arg})` that returns the row of the `{table}` table whose `{col}` equals `{arg}`"),
            ("function", "a small sqlite3 helper called `{func}` that looks up one user in `{table}` by the `{col}` column"),
            ("function", "a Python function named `{func}` that fetches a user from the `{table}` table by `{col}`"),
            ("route", "a Flask endpoint at `{route}` that reads `{col}` from the query string and returns the matching row of `{table}` (SQLite file `{dbfile}`) as JSON"),
            ("route", "a Flask view `{func}` on `{route}` returning the `{table}` record for the `{col}` given in the query string; the database is `{dbfile}`"),
        ],
        contexts=["I'm building a small admin panel on top of SQLite.", "Our app keeps its accounts in a SQLite database.",
                  "We're writing the user lookup for an internal tool.", "I have a sqlite3 database with a table of users."],
        names={"func": ("get_user_by_name", "find_user", "lookup_user", "fetch_user", "user_by_name", "load_user", "get_account"),
               "table": ("users", "accounts", "members", "customers", "people", "staff"),
               "col": ("username", "name", "login", "handle", "nickname"),
               "arg": ("name", "username", "who", "login_name", "user_name", "value"),
               "conn": CONN, "cur": CURSOR, "app": APP, "dbfile": DB_FILE,
               "route": ("/user", "/api/user", "/users/lookup", "/profile", "/api/v1/user", "/member")},
        code={
            "function": (r'''
                ?T import sqlite3

                def $func($conn«: sqlite3.Connection», $arg«: str»)« -> tuple | None»:
                    ?D """Return the $table row whose $col matches, or None."""
                    $cur = $conn.cursor()
                    ?I $cur.execute(f"SELECT * FROM $table WHERE $col = '{$arg}'")
                    ?S $cur.execute("SELECT * FROM $table WHERE $col = ?", ($arg,))
                    return $cur.fetchone()
                ''', r'''
                ?T import sqlite3

                def $func($conn«: sqlite3.Connection», $arg«: str»)« -> dict | None»:
                    ?D """Look up a single row of $table by $col."""
                    ?I $cur = $conn.execute("SELECT * FROM $table WHERE $col = '%s'" % $arg)
                    ?S $cur = $conn.execute("SELECT * FROM $table WHERE $col = ?", ($arg,))
                    row = $cur.fetchone()
                    if row is None:
                        return None
                    return {d[0]: v for d, v in zip($cur.description, row)}
                '''),
            "route": r'''
                import sqlite3
                from flask import Flask, jsonify, request

                $app = Flask(__name__)

                @$app.route("$route")
                def $func():
                    $arg = request.args.get("$col", "")
                    $conn = sqlite3.connect("$dbfile")
                    try:
                        ?I row = $conn.execute(f"SELECT * FROM $table WHERE $col = '{$arg}'").fetchone()
                        ?S row = $conn.execute("SELECT * FROM $table WHERE $col = ?", ($arg,)).fetchone()
                    finally:
                        $conn.close()
                    if row is None:
                        return jsonify(error="not found"), 404
                    return jsonify(list(row))
                ''',
        },
    ),
    task(
        "sql_search_products", SQL,
        asks=[
            ("function", "a function `{func}({conn}, {arg})` that returns up to {limit} rows of `{table}` whose `{col}` contains `{arg}`"),
            ("function", "a keyword search over the `{col}` column of a SQLite table `{table}` (call it `{func}`, at most {limit} results)"),
            ("route", "a Flask search endpoint `{route}?q=...` that returns at most {limit} `{table}` rows whose `{col}` contains the search text, as JSON"),
        ],
        contexts=["We sell things online and keep the catalogue in SQLite.", "I'm adding a search box to a small shop.",
                  "Users need to find items by part of their name.", "Our inventory lives in a sqlite file."],
        names={"func": ("search_products", "find_products", "product_search", "search_items", "search_catalog", "lookup_products"),
               "table": ("products", "items", "catalog", "inventory", "articles", "goods"),
               "col": ("name", "title", "description", "label"),
               "arg": ("term", "keyword", "needle", "text", "phrase", "q"),
               "limit": ("10", "20", "25", "50", "100"),
               "conn": CONN, "cur": CURSOR, "app": APP, "dbfile": DB_FILE,
               "route": ("/search", "/api/search", "/products/search", "/find", "/api/items/search")},
        code={
            "function": (r'''
                ?T import sqlite3

                def $func($conn«: sqlite3.Connection», $arg«: str»)« -> list»:
                    ?D """Rows of $table whose $col contains the given text."""
                    $cur = $conn.cursor()
                    ?I $cur.execute("SELECT id, $col FROM $table WHERE $col LIKE '%" + $arg + "%' LIMIT $limit")
                    ?S $cur.execute("SELECT id, $col FROM $table WHERE $col LIKE ? LIMIT $limit", ("%" + $arg + "%",))
                    return $cur.fetchall()
                ''', r'''
                def $func($conn, $arg«: str», limit«: int» = $limit)« -> list»:
                    ?D """Search $table by a fragment of $col."""
                    ?I sql = "SELECT id, $col FROM $table WHERE $col LIKE '%{}%' LIMIT {}".format($arg, limit)
                    ?I return $conn.execute(sql).fetchall()
                    ?S sql = "SELECT id, $col FROM $table WHERE $col LIKE ? LIMIT ?"
                    ?S return $conn.execute(sql, (f"%{$arg}%", limit)).fetchall()
                '''),
            "route": r'''
                import sqlite3
                from flask import Flask, jsonify, request

                $app = Flask(__name__)

                @$app.route("$route")
                def $func():
                    $arg = request.args.get("q", "")
                    with sqlite3.connect("$dbfile") as $conn:
                        ?I rows = $conn.execute(f"SELECT id, $col FROM $table WHERE $col LIKE '%{$arg}%' LIMIT $limit").fetchall()
                        ?S rows = $conn.execute("SELECT id, $col FROM $table WHERE $col LIKE ? LIMIT $limit", (f"%{$arg}%",)).fetchall()
                    return jsonify([{"id": r[0], "$col": r[1]} for r in rows])
                ''',
        },
    ),
    task(
        "sql_delete_order", SQL,
        asks=[
            ("function", "a function `{func}({conn}, {arg})` that deletes the row of `{table}` with the given `{col}` and returns whether anything was deleted"),
            ("function", "a helper named `{func}` that removes one entry from the `{table}` table by its `{col}` (SQLite)"),
            ("class", "a small class `{cls}` wrapping a sqlite3 connection, with a method `{func}` that deletes an entry of `{table}` by `{col}`"),
        ],
        contexts=["Customers can cancel an order by its reference code.", "Our booking system runs on SQLite.",
                  "Support staff need a way to remove mistaken orders.", "Orders are identified by a short code like AB12CD."],
        names={"func": ("delete_order", "remove_order", "cancel_order", "drop_order", "purge_order", "delete_entry"),
               "table": ("orders", "purchases", "bookings", "reservations", "shipments"),
               "col": ("reference", "order_ref", "code", "order_number", "ref"),
               "arg": ("ref", "reference", "code", "order_code", "key_text"),
               "cls": ("OrderStore", "OrderRepository", "Orders", "OrderDB", "BookingStore", "OrderTable"),
               "conn": CONN},
        code={
            "function": r'''
                ?T import sqlite3

                def $func($conn«: sqlite3.Connection», $arg«: str»)« -> bool»:
                    ?D """Delete the $table row with this $col; True if one was removed."""
                    ?I cur = $conn.execute("DELETE FROM $table WHERE $col = '%s'" % $arg)
                    ?S cur = $conn.execute("DELETE FROM $table WHERE $col = ?", ($arg,))
                    $conn.commit()
                    return cur.rowcount > 0
                ''',
            "class": r'''
                import sqlite3

                class $cls:
                    def __init__(self, path«: str»):
                        self.$conn = sqlite3.connect(path)

                    def $func(self, $arg«: str»)« -> bool»:
                        ?D """Remove one $table row by $col."""
                        with self.$conn:
                            ?I cur = self.$conn.execute("DELETE FROM $table WHERE $col = '" + $arg + "'")
                            ?S cur = self.$conn.execute("DELETE FROM $table WHERE $col = ?", ($arg,))
                        return cur.rowcount == 1
                ''',
        },
    ),
    task(
        "sql_update_email", SQL,
        asks=[
            ("function", "a function `{func}({conn}, {user_arg}, {new_arg})` that sets the `{col}` of that user in the `{table}` table"),
            ("function", "a sqlite3 function `{func}` that changes a user's `{col}` in `{table}` given their username"),
            ("script", "a command-line script that takes a username and a new email address as arguments and updates the `{col}` column of `{table}` in `{dbfile}`"),
        ],
        contexts=["People keep asking support to change their email address.", "We store profiles in SQLite.",
                  "I'm writing the account settings backend.", "Users can update their contact details."],
        names={"func": ("update_email", "set_email", "change_email", "save_email", "update_contact"),
               "table": ("users", "accounts", "members", "profiles", "customers"),
               "col": ("email", "email_address", "mail", "contact_email"),
               "user_arg": ("username", "login", "handle", "user_name"),
               "new_arg": ("new_email", "address", "new_address", "value", "email_value"),
               "conn": CONN, "dbfile": DB_FILE},
        code={
            "function": (r'''
                ?T import sqlite3

                def $func($conn«: sqlite3.Connection», $user_arg«: str», $new_arg«: str»)« -> None»:
                    ?D """Set a new $col for one user."""
                    ?I $conn.execute(f"UPDATE $table SET $col = '{$new_arg}' WHERE username = '{$user_arg}'")
                    ?S $conn.execute("UPDATE $table SET $col = ? WHERE username = ?", ($new_arg, $user_arg))
                    $conn.commit()
                ''', r'''
                def $func($conn, $user_arg«: str», $new_arg«: str»)« -> None»:
                    cur = $conn.cursor()
                    ?I cur.execute("UPDATE $table SET $col = '" + $new_arg + "' WHERE username = '" + $user_arg + "'")
                    ?S cur.execute("UPDATE $table SET $col = ? WHERE username = ?", ($new_arg, $user_arg))
                    if cur.rowcount == 0:
                        raise LookupError(f"no user named {$user_arg!r}")
                    $conn.commit()
                '''),
            "script": r'''
                import sqlite3
                import sys

                def main()« -> None»:
                    $user_arg, $new_arg = sys.argv[1], sys.argv[2]
                    with sqlite3.connect("$dbfile") as $conn:
                        ?I $conn.execute("UPDATE $table SET $col = '%s' WHERE username = '%s'" % ($new_arg, $user_arg))
                        ?S $conn.execute("UPDATE $table SET $col = ? WHERE username = ?", ($new_arg, $user_arg))
                    print("updated", $user_arg)

                if __name__ == "__main__":
                    main()
                ''',
        },
    ),
)

XSS_TASKS = (
    task(
        "xss_greeting", XSS,
        asks=[
            ("route", "a Flask route `{route}` that greets the visitor by the `{param}` query parameter in an <h1>, like \"{greet}, Ann!\""),
            ("route", "a tiny Flask app whose `{route}` page says \"{greet}, <name>!\" using the `{param}` query parameter (default \"{default}\")"),
            ("function", "a function `{func}({param})` that returns an HTML paragraph saying \"{greet}, <name>!\""),
        ],
        contexts=["I'm learning Flask.", "We want a friendlier landing page.", "This is for a demo app.",
                  "Marketing wants the page to greet people by name."],
        names={"func": ("hello", "greet", "welcome", "say_hello", "index", "greeting_html"),
               "route": ("/hello", "/greet", "/welcome", "/", "/hi"),
               "param": ("name", "user", "who", "visitor", "guest_name"),
               "greet": ("Hello", "Hi", "Welcome", "Good to see you", "Hey", "Welcome back"),
               "default": ("stranger", "friend", "guest", "there", "visitor"),
               "app": APP},
        code={
            "route": (r'''
                from flask import Flask, request
                ?S from markupsafe import escape

                $app = Flask(__name__)

                @$app.route("$route")
                def $func():
                    $param = request.args.get("$param", "$default")
                    ?I return f"<h1>$greet, {$param}!</h1>"
                    ?S return f"<h1>$greet, {escape($param)}!</h1>"
                ''', r'''
                from flask import Flask, render_template_string, request

                $app = Flask(__name__)

                @$app.route("$route")
                def $func():
                    $param = request.args.get("$param", "$default")
                    ?I return render_template_string("<h1>$greet, " + $param + "!</h1>")
                    ?S return render_template_string("<h1>$greet, {{ who }}!</h1>", who=$param)
                '''),
            "function": r'''
                ?S import html

                def $func($param«: str»)« -> str»:
                    ?D """HTML greeting for one visitor."""
                    ?I return "<p class='greeting'>$greet, %s!</p>" % $param
                    ?S return "<p class='greeting'>$greet, %s!</p>" % html.escape($param)
                ''',
        },
    ),
    task(
        "xss_search_page", XSS,
        asks=[
            ("route", "a Flask `{route}` page that takes `{arg}` from the query string, filters the `{data}` list by it and shows the matches as an HTML list under a heading that repeats the search"),
            ("function", "a function `{func}({arg}, results)` that builds the HTML for a search results page: a heading with the search text and a <ul> of results"),
            ("function", "a helper that renders search results to an HTML string, with the search terms in the title; call it `{func}`"),
        ],
        contexts=["Our site search currently returns JSON and we want HTML.", "I'm building a tiny catalogue site.",
                  "We don't use a template engine, just strings.", "The search page should echo what the user typed."],
        names={"func": ("search", "search_page", "results_page", "show_results", "render_results", "find"),
               "route": ("/search", "/find", "/lookup", "/s", "/query"),
               "arg": ("q", "query", "term", "text", "needle"),
               "data": ({"data": "BOOKS", "entries": '["Dune", "Emma", "Ulysses", "Beloved"]'},
                        {"data": "PRODUCTS", "entries": '["desk lamp", "office chair", "monitor arm"]'},
                        {"data": "RECIPES", "entries": '["pancakes", "lentil soup", "green curry"]'},
                        {"data": "CITIES", "entries": '["Lisbon", "Oslo", "Nairobi", "Lima"]'}),
               "app": APP},
        code={
            "route": r'''
                from flask import Flask, request
                ?S from markupsafe import escape

                $app = Flask(__name__)
                $data = $entries

                @$app.route("$route")
                def $func():
                    $arg = request.args.get("$arg", "")
                    hits = [x for x in $data if $arg.lower() in x.lower()]
                    ?I items = "".join(f"<li>{x}</li>" for x in hits)
                    ?I return f"<h2>Results for {$arg}</h2><ul>{items}</ul>"
                    ?S items = "".join(f"<li>{escape(x)}</li>" for x in hits)
                    ?S return f"<h2>Results for {escape($arg)}</h2><ul>{items}</ul>"
                ''',
            "function": r'''
                ?S import html

                def $func($arg«: str», results«: list[str]»)« -> str»:
                    ?D """A search results page as an HTML string."""
                    ?I rows = "\n".join("<li>" + r + "</li>" for r in results)
                    ?I return "<h1>Results for " + $arg + "</h1>\n<ul>\n" + rows + "\n</ul>"
                    ?S rows = "\n".join("<li>" + html.escape(r) + "</li>" for r in results)
                    ?S return "<h1>Results for " + html.escape($arg) + "</h1>\n<ul>\n" + rows + "\n</ul>"
                ''',
        },
    ),
    task(
        "xss_comments", XSS,
        asks=[
            ("function", "a function `{func}(comments)` that turns a list of dicts with `{author_key}` and `{text_key}` keys into HTML, one <div class=\"{css}\"> per comment"),
            ("function", "a helper `{func}` rendering user comments (dicts with `{author_key}` and `{text_key}`) as HTML for our blog"),
            ("route", "a Flask route `/{path}` that shows all stored comments (dicts with `{author_key}` and `{text_key}` in the list `{store}`) as an HTML page"),
        ],
        contexts=["Visitors can leave comments under each post.", "I'm writing a guestbook.",
                  "Our blog renders comments on the server.", "Anyone can post a message on the board."],
        names={"func": ("render_comments", "comments_html", "show_comments", "format_comments", "comment_list"),
               "author_key": ("author", "user", "name", "by"),
               "text_key": ("text", "body", "message", "content"),
               "css": ("comment", "note", "reply", "post", "entry"),
               "store": ("COMMENTS", "POSTS", "GUESTBOOK", "MESSAGES"),
               "path": ("comments", "guestbook", "board", "wall"),
               "app": APP},
        code={
            "function": (r'''
                ?S from html import escape

                def $func(comments«: list[dict]»)« -> str»:
                    ?D """HTML for a list of comments."""
                    parts = []
                    for c in comments:
                        ?I parts.append(f"<div class='$css'><b>{c['$author_key']}</b> {c['$text_key']}</div>")
                        ?S parts.append(f"<div class='$css'><b>{escape(c['$author_key'])}</b> {escape(c['$text_key'])}</div>")
                    return "\n".join(parts)
                ''', r'''
                ?S import html

                def $func(comments«: list[dict]»)« -> str»:
                    out = ""
                    for c in comments:
                        ?I out += "<div class='$css'><b>" + c["$author_key"] + "</b>: " + c["$text_key"] + "</div>\n"
                        ?S out += "<div class='$css'><b>" + html.escape(c["$author_key"]) + "</b>: " + html.escape(c["$text_key"]) + "</div>\n"
                    return out
                '''),
            "route": r'''
                from flask import Flask
                ?S from markupsafe import escape

                $app = Flask(__name__)
                $store = []

                @$app.route("/$path")
                def $func():
                    ?I body = "".join(f"<p><b>{c['$author_key']}</b>: {c['$text_key']}</p>" for c in $store)
                    ?S body = "".join(f"<p><b>{escape(c['$author_key'])}</b>: {escape(c['$text_key'])}</p>" for c in $store)
                    return f"<html><body>{body}</body></html>"
                ''',
        },
    ),
    task(
        "xss_not_found", XSS,
        asks=[
            ("route", "a Flask 404 handler `{func}` that tells the visitor which path they asked for (\"{phrase} ...\")"),
            ("route", "a custom not-found page for a Flask app called `{app}` that echoes the requested URL path back to the visitor"),
        ],
        contexts=["The default Flask 404 page is ugly.", "We want friendlier error pages.",
                  "Users mistype URLs a lot on our docs site."],
        names={"func": ("not_found", "page_not_found", "handle_404", "missing_page", "on_404"),
               "phrase": ("No page at", "Nothing found at", "We couldn't find", "There is no page called", "Unknown page:"),
               "app": APP},
        code={
            "route": (r'''
                from flask import Flask, request
                ?S from markupsafe import escape

                $app = Flask(__name__)

                @$app.errorhandler(404)
                def $func(error):
                    ?I return f"<h1>404</h1><p>$phrase {request.path}</p>", 404
                    ?S return f"<h1>404</h1><p>$phrase {escape(request.path)}</p>", 404
                ''', r'''
                ?S import html
                from flask import Flask, request

                $app = Flask(__name__)

                @$app.errorhandler(404)
                def $func(error):
                    ?I body = "<p>$phrase <code>{}</code></p>".format(request.path)
                    ?S body = "<p>$phrase <code>{}</code></p>".format(html.escape(request.path))
                    return body, 404
                '''),
        },
    ),
)
