import pytest

from founder_backoffice.engine import aging, kpi_definitions


def test_bucket_ranges_describe_each_bucket():
    assert aging.bucket_ranges((30, 60)) == [(None, 0), (1, 30), (31, 60), (61, None)]


@pytest.mark.parametrize("limits", [(), (30, 30), (60, 30), (0, 30), (-5,), (1.5, 3)])
def test_validate_limits_rejects_bad_layouts(limits):
    with pytest.raises(ValueError):
        aging.validate_limits(limits)


def test_the_layout_names_its_buckets_and_ends_with_the_unapplied_credits():
    assert aging.series((30, 60)) == [
        ("current", None, 0),
        ("1_30", 1, 30),
        ("31_60", 31, 60),
        ("over_60", 61, None),
        (aging.UNAPPLIED, None, None),
    ]


def test_the_dashboard_chart_follows_the_report_layout():
    assert kpi_definitions.AGING_KEYS == (
        "ar_current",
        "ar_1_30",
        "ar_31_60",
        "ar_61_90",
        "ar_91_120",
        "ar_over_120",
        "ar_unapplied",
    )
    assert all(key in kpi_definitions.BY_KEY for key in kpi_definitions.AGING_KEYS)
