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
