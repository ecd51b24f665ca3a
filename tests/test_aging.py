import pytest

from founder_backoffice.engine import aging


def test_bucket_ranges_describe_each_bucket():
    assert aging.bucket_ranges((30, 60)) == [(None, 0), (1, 30), (31, 60), (61, None)]


@pytest.mark.parametrize("limits", [(), (30, 30), (60, 30), (0, 30), (-5,), (1.5, 3)])
def test_validate_limits_rejects_bad_layouts(limits):
    with pytest.raises(ValueError):
        aging.validate_limits(limits)
