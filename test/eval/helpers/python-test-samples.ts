/**
 * The outcomes every sample test file for a Python runner starts with, one test each, named for
 * what it does: a pass, a failure, a skip and an expected failure (and, for unittest, an error).
 * The log-parser tests append their runner's particular cases after these.
 */

/** Module-level pytest functions; the file needs `import pytest`. */
export const PYTEST_BASIC_OUTCOMES = `def test_passes():
    pass

def test_fails():
    assert 1 == 2

@pytest.mark.skip(reason="not today")
def test_skipped():
    pass

@pytest.mark.xfail(reason="known bug")
def test_expected_failure():
    assert 0
`;

/** Methods for the body of a unittest.TestCase class (indented for it); the file needs `import unittest`. */
export const UNITTEST_BASIC_OUTCOMES = `    def test_passes(self):
        pass

    def test_fails(self):
        self.assertEqual(1, 2)

    def test_raises(self):
        raise RuntimeError("boom")

    @unittest.skip("not today")
    def test_skipped(self):
        pass

    @unittest.expectedFailure
    def test_expected_failure(self):
        self.assertEqual(1, 2)
`;
