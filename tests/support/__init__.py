"""Helpers shared by the tests, imported as ``support.<module>`` by conftest.py and the test modules.

No test module imports another test module: what two of them share lives here (helpers) or in
conftest.py (fixtures).
"""
