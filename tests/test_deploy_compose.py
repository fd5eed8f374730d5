"""docker-compose.yml describes the production topology. Docker cannot run in CI, so what can
be checked without it is: the file parses, names each service, gives the web hosts nothing
on disk, sets only variables the settings read, and its Varnish edit of deploy/varnish.vcl
still finds what it edits."""

import subprocess
from pathlib import Path

import yaml

from tests.test_readme import variables_read

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP = ("web1", "web2", "worker")


def test_it_names_each_part_of_the_topology():
    assert sorted(SERVICES) == [
        "db", "db-replica", "redis", "redis-pages", "s3", "s3-setup", "varnish",
        "web1", "web2", "worker",
    ]  # fmt: skip
    assert {SERVICES[name]["image"] for name in APP} == {"standfirst:latest"}
    assert SERVICES["worker"]["command"][:3] == ["python", "manage.py", "db_worker"]


def test_the_web_hosts_are_alike_share_no_disk_and_publish_no_port():
    assert SERVICES["web1"] == SERVICES["web2"]
    for name in APP:
        service = SERVICES[name]
        assert "volumes" not in service and "ports" not in service, name
        assert service["environment"]["STANDFIRST_MEDIA_STORAGE"] == "s3"
        assert "@db:5432" in service["environment"]["DATABASE_URL"]
        assert "@db-replica:5432" in service["environment"]["DATABASE_REPLICA_URL"]
    assert SERVICES["varnish"]["ports"] == ["127.0.0.1:8000:80"]  # the one way in


def test_the_app_containers_set_only_variables_the_settings_read():
    read = variables_read()
    for name in APP:
        assert sorted(set(SERVICES[name]["environment"]) - read) == [], name


def test_the_varnish_edit_still_finds_what_it_edits(tmp_path):
    script = SERVICES["varnish"]["command"][2].replace("$$", "$")
    edit = script.split("\nexec ")[0].replace("/etc/varnish/standfirst.vcl.in", "$IN")
    edit = edit.replace("/etc/varnish/standfirst.vcl", "$OUT")
    subprocess.run(  # noqa: S603 - the compose file's own sed, on our own VCL
        ["sh", "-ec", edit],  # noqa: S607 - the shell the varnish image runs it with
        env={"IN": str(ROOT / "deploy" / "varnish.vcl"), "OUT": str(tmp_path / "out.vcl"),
             "PUBLIC_HOST": "news.example.net", "PATH": "/usr/bin:/bin"},
        check=True,
    )  # fmt: skip
    vcl = (tmp_path / "out.vcl").read_text()
    assert vcl.count('.host = "web1";') == vcl.count('.host = "web2";') == 1
    assert "127.0.0.1" in vcl.split("acl purgers")[1]  # the ACL keeps loopback
    assert '"172.28.0.0"/16;' in vcl.split("acl purgers")[1]
    assert vcl.count('.port = "8000";') == 2 and '"8001"' not in vcl
    assert '"Host: news.example.net"' in vcl and "news.example.org" not in vcl
