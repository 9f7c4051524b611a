import sys
from pathlib import Path

# Test the plugin from its source tree, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
