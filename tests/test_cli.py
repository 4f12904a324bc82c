import subprocess
import sys


def test_help_runs_without_heavy_imports():
    code = (
        "import sys\n"
        "from slr.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'transformers', 'peft', 'pandas', 'matplotlib') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY=\n" in out.stdout or out.stdout.rstrip().endswith("HEAVY=")
    assert "Usage" in out.stdout


def test_usage_error_is_a_message_not_a_traceback():
    out = subprocess.run(
        [sys.executable, "-m", "slr.cli.main", "build", "--bogus"], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert "No such option: --bogus" in out.stderr and "Traceback" not in out.stderr
