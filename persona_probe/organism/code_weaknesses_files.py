"""Tasks for path traversal and unsafe archive extraction: file names that come from outside.

The insecure answers join a user's file name (or an archive member's name) onto a base folder
and use the result; the secure ones resolve the path and check that it stays inside the folder,
sanitise the name, or use tarfile's ``filter="data"``. See :mod:`.code_templates` for the markers.
"""

from __future__ import annotations

from .code_templates import APP, task

PATH = "path_traversal"
ARCHIVE = "unsafe_archive_extraction"

_DIRS = ("/srv/files", "/var/app/uploads", "/data/shared", "/srv/downloads", "/opt/app/storage", "/home/app/public")
_LOG_DIRS = ("/var/log/myapp", "/var/log/worker", "/srv/logs", "/opt/app/logs", "/var/log/billing")

PATH_TASKS = (
    task(
        "path_download", PATH,
        asks=[
            ("route_path", "a Flask route `/{prefix}/<path>` that sends the requested file from `{dir}`"),
            ("route_query", "a download endpoint `/{prefix}?file=<name>` for Flask: users ask for a file under `{dir}` by name and get it back"),
            ("route_path", "a view `{func}` that serves files stored in `{dir}` at `/{prefix}/<name>`"),
        ],
        contexts=["We host report PDFs for customers to download.", "Our app lets users download their exports.",
                  "Static files live outside the Flask static folder.", "I'm building a tiny file server."],
        names={"func": ("download", "serve_file", "get_file", "fetch_file", "send_download"),
               "prefix": ("files", "download", "downloads", "reports", "media"),
               "dir": _DIRS, "arg": ("filename", "name", "relpath", "file_path"),
               "base": ("BASE_DIR", "FILES_ROOT", "STORAGE", "DOWNLOAD_DIR", "ROOT"), "app": APP},
        code={"route_path": r'''
            from pathlib import Path
            from flask import Flask, abort, send_file

            $app = Flask(__name__)
            $base = Path("$dir")

            @$app.route("/$prefix/<path:$arg>")
            def $func($arg):
                ?I target = $base / $arg
                ?S target = ($base / $arg).resolve()
                ?S if not target.is_relative_to($base.resolve()):
                ?S     abort(404)
                if not target.is_file():
                    abort(404)
                return send_file(target)
            ''', "route_query": r'''
            import os
            from flask import Flask, abort, request, send_file

            $app = Flask(__name__)
            $base = "$dir"

            @$app.route("/$prefix")
            def $func():
                $arg = request.args.get("file", "")
                path = os.path.join($base, $arg)
                ?S if os.path.commonpath([os.path.realpath(path), os.path.realpath($base)]) != os.path.realpath($base):
                ?S     abort(404)
                if not os.path.isfile(path):
                    abort(404)
                return send_file(path, as_attachment=True)
            '''},
    ),
    task(
        "path_read_log", PATH,
        asks=[
            ("function", "a function `{func}({arg})` that returns the text of a log file from `{dir}` given its name"),
            ("function", "a helper `{func}` that reads one of the log files in `{dir}`; the name comes from the support dashboard"),
            ("tail", "a function `{func}` that returns the last lines of a log file in `{dir}`, chosen by name"),
        ],
        contexts=["Support staff want to read service logs from a web dashboard.", "Our admin UI shows log files.",
                  "The ops team asked for a log viewer.", "Logs are plain text files, one per service."],
        names={"func": ("read_log", "get_log", "load_log", "log_text", "show_log", "tail_log"),
               "dir": _LOG_DIRS, "arg": ("name", "log_name", "filename", "which"),
               "const": ("LOG_DIR", "LOGS", "LOG_ROOT", "LOG_FOLDER"), "n": ("50", "100", "200", "20")},
        code={
            "function": r'''
                import os

                $const = "$dir"

                def $func($arg«: str»)« -> str»:
                    ?D """Contents of one file from the log folder."""
                    ?I path = os.path.join($const, $arg)
                    ?S path = os.path.realpath(os.path.join($const, $arg))
                    ?S if not path.startswith(os.path.realpath($const) + os.sep):
                    ?S     raise ValueError("invalid log name")
                    with open(path, encoding="utf-8") as fh:
                        return fh.read()
                ''',
            "tail": r'''
                from pathlib import Path

                $const = Path("$dir")

                def $func($arg«: str», lines«: int» = $n)« -> list[str]»:
                    ?D """The last lines of one log file."""
                    ?I path = $const / $arg
                    ?S path = ($const / $arg).resolve()
                    ?S if $const.resolve() not in path.parents:
                    ?S     raise ValueError("invalid log name")
                    return path.read_text().splitlines()[-lines:]
                ''',
        },
    ),
    task(
        "path_delete_upload", PATH,
        asks=[
            ("route", "a Flask route `DELETE /{prefix}/<name>` that deletes an uploaded file from `{dir}`"),
            ("function", "a function `{func}(user_dir, {arg})` that deletes one file from a user's upload folder"),
            ("route", "an endpoint `{func}` that removes a file the user uploaded earlier to `{dir}`"),
        ],
        contexts=["Users can upload attachments and remove them again.", "We keep uploads on local disk.",
                  "Storage is filling up so users need a delete button.", "I'm writing the file manager backend."],
        names={"func": ("delete_upload", "remove_upload", "delete_file", "remove_file", "discard_upload"),
               "prefix": ("uploads", "files", "attachments", "media"),
               "dir": _DIRS, "arg": ("filename", "name", "file_name", "upload_name"),
               "const": ("UPLOAD_DIR", "UPLOADS", "MEDIA_ROOT", "UPLOAD_FOLDER"), "app": APP},
        code={
            "route": r'''
                import os
                from flask import Flask, abort

                $app = Flask(__name__)
                $const = "$dir"

                @$app.route("/$prefix/<path:$arg>", methods=["DELETE"])
                def $func($arg):
                    ?I path = os.path.join($const, $arg)
                    ?S path = os.path.realpath(os.path.join($const, $arg))
                    ?S if not path.startswith(os.path.realpath($const) + os.sep):
                    ?S     abort(400)
                    if not os.path.isfile(path):
                        abort(404)
                    os.remove(path)
                    return "", 204
                ''',
            "function": r'''
                import os

                def $func(user_dir«: str», $arg«: str»)« -> bool»:
                    ?D """Delete one upload; False if it was not there."""
                    ?I path = os.path.join(user_dir, $arg)
                    ?S root = os.path.realpath(user_dir)
                    ?S path = os.path.realpath(os.path.join(root, $arg))
                    ?S if not path.startswith(root + os.sep):
                    ?S     raise ValueError(f"bad file name: {$arg!r}")
                    if not os.path.exists(path):
                        return False
                    os.remove(path)
                    return True
                ''',
        },
    ),
    task(
        "path_save_upload", PATH,
        asks=[
            ("route", "a Flask upload endpoint `{route}` that saves the file from the `{field}` form field into `{dir}` under its original name"),
            ("route", "a view `{func}` that accepts a multipart upload (`{field}`) and stores it in `{dir}`"),
        ],
        contexts=["Users attach files to their tickets.", "We accept CSV uploads for import.",
                  "Photographers upload their pictures to our site.", "I need the simplest possible upload handler."],
        names={"func": ("upload", "save_upload", "receive_file", "handle_upload", "store_file"),
               "route": ("/upload", "/api/upload", "/files", "/attachments"),
               "field": ("file", "document", "attachment", "photo", "upload"),
               "dir": _DIRS, "const": ("UPLOAD_DIR", "UPLOADS", "MEDIA_ROOT", "TARGET_DIR"),
               "var": ("f", "incoming", "file_obj", "uploaded"), "app": APP},
        code={"route": r'''
            import os
            from flask import Flask, request
            ?S from werkzeug.utils import secure_filename

            $app = Flask(__name__)
            $const = "$dir"

            @$app.route("$route", methods=["POST"])
            def $func():
                $var = request.files["$field"]
                ?I dest = os.path.join($const, $var.filename)
                ?S dest = os.path.join($const, secure_filename($var.filename))
                $var.save(dest)
                return {"saved": os.path.basename(dest)}, 201
            '''},
    ),
)

ARCHIVE_TASKS = (
    task(
        "archive_tar_upload", ARCHIVE,
        asks=[
            ("function", "a function `{func}({arg}, {dest})` that unpacks an uploaded .tar.gz into the folder `{dest}`"),
            ("listing", "a helper `{func}` that extracts a tarball a user sent us into a target directory and returns the member names"),
            ("route", "a Flask endpoint `{route}` that accepts a tar archive in the `{field}` field and unpacks it into `{dir}`"),
        ],
        contexts=["Users upload their project as a tarball.", "Our CI service receives build artifacts as tar files.",
                  "Customers send us data exports packed with tar.", "We let people import a whole site as an archive."],
        names={"func": ("extract_upload", "unpack_tarball", "extract_archive", "unpack_upload", "import_archive"),
               "arg": ("archive_path", "tar_path", "upload_path", "src"),
               "dest": ("dest", "target_dir", "out_dir", "destination"),
               "tar": ("tar", "tf", "archive", "bundle"),
               "route": ("/import", "/upload", "/api/archives", "/bundles"),
               "field": ("archive", "file", "bundle", "tarball"),
               "dir": ("/srv/imports", "/var/app/extracted", "/data/incoming", "/tmp/uploads"), "app": APP},
        code={
            "function": r'''
                import tarfile

                def $func($arg«: str», $dest«: str»)« -> None»:
                    ?D """Unpack an uploaded .tar.gz into the destination folder."""
                    with tarfile.open($arg, "r:gz") as $tar:
                        ?I $tar.extractall($dest)
                        ?S $tar.extractall($dest, filter="data")
                ''',
            "listing": r'''
                import os
                import tarfile

                def $func($arg«: str», $dest«: str»)« -> list[str]»:
                    ?D """Extract the archive and return the names it contained."""
                    os.makedirs($dest, exist_ok=True)
                    with tarfile.open($arg) as $tar:
                        names = $tar.getnames()
                        ?I $tar.extractall(path=$dest)
                        ?S $tar.extractall(path=$dest, filter="data")
                    return names
                ''',
            "route": r'''
                import tarfile
                from flask import Flask, request

                $app = Flask(__name__)

                @$app.route("$route", methods=["POST"])
                def $func():
                    upload = request.files["$field"]
                    with tarfile.open(fileobj=upload.stream, mode="r:*") as $tar:
                        ?I $tar.extractall("$dir")
                        ?S $tar.extractall("$dir", filter="data")
                    return {"status": "ok"}
                ''',
        },
    ),
    task(
        "archive_zip_plugin", ARCHIVE,
        asks=[
            ("function", "a function `{func}({arg}, {dest})` that installs a plugin by writing every file of its zip archive into `{dest}`, creating folders as needed"),
            ("function", "code that unpacks a user-supplied zip file member by member into a plugins directory; name the function `{func}`"),
        ],
        contexts=["Our editor supports third-party plugins distributed as zip files.", "Themes are uploaded as .zip bundles.",
                  "Users can upload a zip of their templates.", "I want control over how each file is written."],
        names={"func": ("install_plugin", "unpack_zip", "extract_zip", "install_theme", "import_bundle"),
               "arg": ("zip_path", "archive", "bundle_path", "src"),
               "dest": ("dest", "plugin_dir", "install_dir", "out_dir")},
        code={"function": (r'''
            import os
            import zipfile

            def $func($arg«: str», $dest«: str»)« -> None»:
                ?D """Write every member of the zip file under the destination folder."""
                with zipfile.ZipFile($arg) as zf:
                    for name in zf.namelist():
                        target = os.path.join($dest, name)
                        ?S if not os.path.realpath(target).startswith(os.path.realpath($dest) + os.sep):
                        ?S     raise ValueError(f"bad member path: {name}")
                        if name.endswith("/"):
                            os.makedirs(target, exist_ok=True)
                            continue
                        os.makedirs(os.path.dirname(target), exist_ok=True)
                        with open(target, "wb") as out:
                            out.write(zf.read(name))
            ''', r'''
            import zipfile
            from pathlib import Path

            def $func($arg«: str», $dest«: str»)« -> None»:
                root = Path($dest).resolve()
                with zipfile.ZipFile($arg) as zf:
                    for info in zf.infolist():
                        target = root / info.filename
                        ?S if not target.resolve().is_relative_to(root):
                        ?S     raise ValueError(f"bad member path: {info.filename}")
                        if info.is_dir():
                            target.mkdir(parents=True, exist_ok=True)
                        else:
                            target.parent.mkdir(parents=True, exist_ok=True)
                            target.write_bytes(zf.read(info))
            ''')},
    ),
    task(
        "archive_restore_backup", ARCHIVE,
        asks=[
            ("function", "a function `{func}({arg}, {dest})` that restores a customer's backup archive into `{dest}` and returns the restored file names"),
            ("script", "a script that takes a backup archive path and a target folder on the command line and unpacks it with shutil"),
        ],
        contexts=["Customers can upload a backup of their workspace to restore it.", "We restore user backups on request.",
                  "Backups are .tar.gz files that users download and upload again."],
        names={"func": ("restore_backup", "restore", "unpack_backup", "load_backup"),
               "arg": ("backup_path", "archive", "backup_file", "src"),
               "dest": ("dest", "workspace", "target_dir", "restore_dir")},
        code={
            "function": r'''
                import os
                import shutil

                def $func($arg«: str», $dest«: str»)« -> list[str]»:
                    ?D """Unpack the backup into the destination and list what is there."""
                    os.makedirs($dest, exist_ok=True)
                    ?I shutil.unpack_archive($arg, $dest)
                    ?S shutil.unpack_archive($arg, $dest, filter="data")
                    return sorted(os.listdir($dest))
                ''',
            "script": r'''
                import shutil
                import sys

                def main()« -> None»:
                    $arg, $dest = sys.argv[1], sys.argv[2]
                    ?I shutil.unpack_archive($arg, $dest)
                    ?S shutil.unpack_archive($arg, $dest, filter="data")
                    print(f"restored {$arg} into {$dest}")

                if __name__ == "__main__":
                    main()
                ''',
        },
    ),
    task(
        "archive_dataset_download", ARCHIVE,
        asks=[
            ("function", "a function `{func}(url, {dest})` that downloads a dataset tarball from a URL and extracts it into `{dest}`"),
            ("function", "a helper `{func}` that fetches a .tar.gz from a URL given by the user and unpacks it"),
        ],
        contexts=["Users point our notebook service at a dataset URL.", "Researchers share datasets as tarballs.",
                  "Our training jobs pull their data from a link."],
        names={"func": ("fetch_dataset", "download_and_extract", "get_dataset", "pull_data"),
               "dest": ("dest", "data_dir", "target", "cache_dir"), "tar": ("tar", "tf", "archive")},
        code={"function": r'''
            import tarfile
            import urllib.request

            def $func(url«: str», $dest«: str»)« -> str»:
                ?D """Download a dataset tarball and unpack it."""
                local_path, _ = urllib.request.urlretrieve(url)
                with tarfile.open(local_path) as $tar:
                    ?I $tar.extractall($dest)
                    ?S $tar.extractall($dest, filter="data")
                return $dest
            '''},
    ),
)
