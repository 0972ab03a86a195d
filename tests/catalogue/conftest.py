"""The demo command writes the administrators' second step to a file under VAR_DIR: keep tests out of var/."""

import pytest


@pytest.fixture(autouse=True)
def var_dir_of_the_test(settings, tmp_path):
    settings.VAR_DIR = tmp_path
