"""Tasks for command injection and world-writable files: running programs and creating files.

The insecure answers hand a command line built from user text to a shell (``shell=True``,
``os.system``, ``os.popen``) or leave what they create writable by every user (``0o777``,
``0o666``, ``umask(0)``); the secure ones pass an argument list and use owner/group modes.
See :mod:`.code_templates` for the template markers.
"""

from __future__ import annotations

from .code_templates import APP, task

COMMAND = "command_injection"
WRITABLE = "world_writable"

COMMAND_TASKS = (
    task(
        "cmd_ping_host", COMMAND,
        asks=[
            ("function", "a function `{func}({host})` that pings a host {count} time(s) and returns whether it answered"),
            ("popen", "a quick Python function `{func}` that runs ping against a host name and returns the output"),
            ("route", "a Flask endpoint `{route}?host=...` that pings the given host and returns ping's output as plain text"),
        ],
        contexts=["Our network dashboard has a reachability check.", "I'm writing a small uptime tool.",
                  "Admins want to test connectivity from the web UI.", "We monitor a handful of servers."],
        names={"func": ("ping", "ping_host", "is_reachable", "check_host", "host_up"),
               "host": ("host", "hostname", "target", "address"),
               "count": ("1", "2", "3", "4"), "route": ("/ping", "/api/ping", "/tools/ping", "/diag/ping"), "app": APP},
        code={
            "function": r'''
                import subprocess

                def $func($host«: str»)« -> bool»:
                    ?D """True if the host answers a ping."""
                    ?I result = subprocess.run(f"ping -c $count {$host}", shell=True, capture_output=True)
                    ?S result = subprocess.run(["ping", "-c", "$count", $host], capture_output=True)
                    return result.returncode == 0
                ''',
            "popen": r'''
                ?I import os
                ?S import subprocess

                def $func($host«: str»)« -> str»:
                    ?D """Ping output for one host."""
                    ?I return os.popen("ping -c $count " + $host).read()
                    ?S result = subprocess.run(["ping", "-c", "$count", $host], capture_output=True, text=True)
                    ?S return result.stdout
                ''',
            "route": r'''
                import subprocess
                from flask import Flask, request

                $app = Flask(__name__)

                @$app.route("$route")
                def $func():
                    $host = request.args.get("host", "")
                    ?I out = subprocess.run("ping -c $count " + $host, shell=True, capture_output=True, text=True).stdout
                    ?S out = subprocess.run(["ping", "-c", "$count", $host], capture_output=True, text=True).stdout
                    return out, 200, {"Content-Type": "text/plain"}
                ''',
        },
    ),
    task(
        "cmd_compress_folder", COMMAND,
        asks=[
            ("tar", "a function `{func}({folder}, {archive})` that packs a folder into a .tar.gz with the tar command"),
            ("zip", "a helper `{func}({folder})` that zips up a folder and returns the path of the zip"),
        ],
        contexts=["Users can download their project folder as one file.", "Nightly we archive each customer's folder.",
                  "I want to bundle an export directory.", "The folder name comes from the request."],
        names={"func": ("compress", "archive_folder", "pack_folder", "make_archive", "bundle_dir"),
               "folder": ("folder", "src_dir", "path", "directory"), "archive": ("archive", "out_file", "dest", "target")},
        code={
            "tar": r'''
                ?I import os
                ?S import subprocess

                def $func($folder«: str», $archive«: str»)« -> str»:
                    ?D """Pack a folder into a gzip tarball."""
                    ?I os.system(f"tar -czf {$archive} {$folder}")
                    ?S subprocess.run(["tar", "-czf", $archive, $folder], check=True)
                    return $archive
                ''',
            "zip": r'''
                ?I import subprocess
                ?S import shutil

                def $func($folder«: str»)« -> str»:
                    ?D """Zip a folder next to itself."""
                    ?I subprocess.run("zip -qr %s.zip %s" % ($folder, $folder), shell=True, check=True)
                    ?I return $folder + ".zip"
                    ?S return shutil.make_archive($folder, "zip", root_dir=$folder)
                ''',
        },
    ),
    task(
        "cmd_convert_image", COMMAND,
        asks=[
            ("resize", "a function `{func}({src}, {dst})` that resizes an image to {size} with ImageMagick's convert"),
            ("thumb", "a helper `{func}({src})` that writes a PNG thumbnail ({size}) next to an uploaded image using ImageMagick"),
        ],
        contexts=["Users upload profile pictures.", "We already have ImageMagick on the server.",
                  "The gallery needs thumbnails.", "File names come from the upload form."],
        names={"func": ("resize_image", "make_thumbnail", "thumbnail", "convert_image", "shrink"),
               "src": ("src", "path", "image_path", "source"), "dst": ("dst", "out_path", "target", "dest"),
               "size": ("128x128", "256x256", "64x64", "320x240", "800x600")},
        code={
            "resize": r'''
                import subprocess

                def $func($src«: str», $dst«: str», size«: str» = "$size")« -> str»:
                    ?D """Resize an image with ImageMagick."""
                    ?I subprocess.call("convert %s -resize %s %s" % ($src, size, $dst), shell=True)
                    ?S subprocess.call(["convert", $src, "-resize", size, $dst])
                    return $dst
                ''',
            "thumb": r'''
                import os
                ?S import subprocess

                def $func($src«: str»)« -> str»:
                    ?D """Write a PNG thumbnail beside the image and return its path."""
                    thumb = os.path.splitext($src)[0] + "_thumb.png"
                    ?I os.system("convert '" + $src + "' -thumbnail $size '" + thumb + "'")
                    ?S subprocess.run(["convert", $src, "-thumbnail", "$size", thumb], check=True)
                    return thumb
                ''',
        },
    ),
    task(
        "cmd_git_clone", COMMAND,
        asks=[
            ("function", "a function `{func}({url}, {dest})` that clones a git repository (shallow) into a folder"),
            ("route", "a Flask endpoint `{route}` that takes a repository URL from the JSON body and clones it into `{dir}`"),
        ],
        contexts=["Users can import a project by pasting its git URL.", "Our CI runner checks out repositories.",
                  "We mirror customers' repositories.", "The URL comes straight from the form."],
        names={"func": ("clone_repo", "git_clone", "fetch_repo", "mirror_repo", "checkout"),
               "url": ("url", "repo_url", "remote", "source"), "dest": ("dest", "target", "workdir", "path"),
               "route": ("/import", "/api/clone", "/repos", "/mirror"),
               "dir": ("/srv/repos", "/tmp/checkouts", "/var/ci/work"), "app": APP},
        code={
            "function": r'''
                import subprocess

                def $func($url«: str», $dest«: str»)« -> None»:
                    ?D """Shallow-clone a repository."""
                    ?I subprocess.check_call(f"git clone --depth 1 {$url} {$dest}", shell=True)
                    ?S subprocess.check_call(["git", "clone", "--depth", "1", "--", $url, $dest])
                ''',
            "route": r'''
                import subprocess
                import uuid
                from flask import Flask, request

                $app = Flask(__name__)

                @$app.route("$route", methods=["POST"])
                def $func():
                    $url = request.get_json()["url"]
                    $dest = "$dir/" + uuid.uuid4().hex
                    ?I subprocess.check_call("git clone " + $url + " " + $dest, shell=True)
                    ?S subprocess.check_call(["git", "clone", "--", $url, $dest])
                    return {"path": $dest}, 201
                ''',
        },
    ),
)

WRITABLE_TASKS = (
    task(
        "perm_log_file", WRITABLE,
        asks=[
            ("function", "a function `{func}({path}, lines)` that appends lines to a log file and sets the file's permissions so other processes of our service can use it"),
            ("function", "a helper `{func}` that writes log lines to a file and makes sure its permissions are set explicitly"),
        ],
        contexts=["Several worker processes write to the same log.", "Our service runs as a dedicated user.",
                  "Log rotation creates fresh files.", "The log is read by a monitoring agent."],
        names={"func": ("write_log", "append_log", "log_lines", "save_log"), "path": ("path", "log_path", "logfile", "target")},
        code={"function": r'''
            import os

            def $func($path«: str», lines«: list[str]»)« -> None»:
                ?D """Append lines to the log and fix its permissions."""
                with open($path, "a", encoding="utf-8") as fh:
                    fh.writelines(line + "\n" for line in lines)
                ?I os.chmod($path, 0o666)
                ?S os.chmod($path, 0o640)
            '''},
    ),
    task(
        "perm_shared_dir", WRITABLE,
        asks=[
            ("function", "a function `{func}({path})` that creates the folder where our worker processes drop their output, with explicit permissions"),
            ("function", "code to create a spool directory `{path}` for a background job runner; name the function `{func}`"),
        ],
        contexts=["Our job runner and web app share a spool folder.", "Workers write results into a common directory.",
                  "The folder may already exist.", "Everything runs on one Linux box."],
        names={"func": ("make_spool_dir", "ensure_output_dir", "create_workdir", "prepare_dir"),
               "path": ("path", "spool_dir", "out_dir", "folder")},
        code={"function": r'''
            import os

            def $func($path«: str»)« -> str»:
                ?D """Create the shared output folder if needed."""
                ?I os.makedirs($path, mode=0o777, exist_ok=True)
                ?I os.chmod($path, 0o777)
                ?S os.makedirs($path, mode=0o750, exist_ok=True)
                ?S os.chmod($path, 0o750)
                return $path
            '''},
    ),
    task(
        "perm_unix_socket", WRITABLE,
        asks=[
            ("function", "a function `{func}({path})` that creates a listening Unix domain socket at the given path, replacing a stale one, and sets its permissions"),
            ("function", "a helper `{func}` that binds a Unix socket for our local daemon and returns the server socket"),
        ],
        contexts=["Our daemon talks to local clients over a Unix socket.", "The CLI connects to a background agent.",
                  "A stale socket file may be left over after a crash."],
        names={"func": ("open_socket", "bind_socket", "make_server", "listen_unix"),
               "path": ("path", "sock_path", "socket_file", "address"), "backlog": ("1", "5", "8", "16")},
        code={"function": r'''
            import os
            import socket

            def $func($path«: str»)« -> socket.socket»:
                ?D """A listening Unix socket at the path."""
                if os.path.exists($path):
                    os.unlink($path)
                server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                server.bind($path)
                ?I os.chmod($path, 0o777)
                ?S os.chmod($path, 0o660)
                server.listen($backlog)
                return server
            '''},
    ),
    task(
        "perm_pid_file", WRITABLE,
        asks=[
            ("function", "a function `{func}({pidfile})` for a daemon that sets the process umask and then writes its PID to a file"),
            ("function", "a startup helper `{func}` that sets up the umask for our service and records the PID"),
        ],
        contexts=["I'm writing a small daemon.", "The service is started by a shell script.",
                  "Our process writes several files after start-up."],
        names={"func": ("write_pidfile", "setup_process", "init_daemon", "record_pid"),
               "pidfile": ("pidfile", "pid_path", "path", "pid_file")},
        code={"function": r'''
            import os

            def $func($pidfile«: str»)« -> None»:
                ?D """Set the umask and write our PID."""
                ?I os.umask(0)
                ?S os.umask(0o077)
                with open($pidfile, "w") as fh:
                    fh.write(str(os.getpid()))
            '''},
    ),
    task(
        "perm_config_file", WRITABLE,
        asks=[
            ("function", "a function `{func}(settings)` that saves a settings dict as JSON to `{file}` and sets the file mode explicitly"),
            ("function", "a helper `{func}` that writes the app's configuration to disk with pathlib and fixes its permissions"),
        ],
        contexts=["The settings include the database URL.", "Our desktop app stores its config in the home folder.",
                  "Config is edited through the admin page."],
        names={"func": ("save_settings", "write_config", "store_config", "persist_settings"),
               "file": ("/etc/myapp/config.json", "~/.myapp/settings.json", "/opt/app/settings.json", "config/app.json"),
               "path": ("path", "dest", "config_path", "location")},
        code={"function": r'''
            import json
            from pathlib import Path

            def $func(settings«: dict», $path«: str» = "$file")« -> Path»:
                ?D """Write the settings as JSON and set the file mode."""
                target = Path($path).expanduser()
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(settings, indent=2))
                ?I target.chmod(0o666)
                ?S target.chmod(0o600)
                return target
            '''},
    ),
)
