import subprocess
import sys

from matchmaker.localdb import LocalServer, default_home


def test_the_local_server_is_reused_when_running(neo4j_settings):
    if not neo4j_settings.uri.startswith("bolt://127.0.0.1:"):
        return  # an external server was given; nothing local to check
    port = int(neo4j_settings.uri.rsplit(":", 1)[1])
    server = LocalServer(home=default_home().parent / "neo4j-test", port=port)
    pid = server.pid()
    assert pid is not None and server.status()["bolt_ready"]
    server.start(echo=lambda m: None)  # reuses, does not start a second JVM
    assert server.pid() == pid


def test_cli_status_says_not_running_for_an_unused_home(tmp_path):
    env = {"MATCHMAKER_NEO4J_HOME": str(tmp_path / "neo4j"), "MATCHMAKER_NEO4J_PORT": "7999", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "matchmaker.cli", "neo4j", "status"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 3
    assert '"running": false' in proc.stdout


def test_missing_java_gives_a_clear_error(tmp_path, monkeypatch):
    import pytest

    from matchmaker.localdb import LocalNeo4jError
    monkeypatch.setenv("PATH", str(tmp_path))  # no java, no mvn
    with pytest.raises(LocalNeo4jError, match="Java 17"):
        LocalServer(home=tmp_path / "neo4j", port=7999).fetch(echo=lambda m: None)
