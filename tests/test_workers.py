"""How work is cut for the worker processes (workers.shares)."""
from badgesite import workers


def test_shares_keep_every_item_once_in_order_and_shrink_towards_the_end():
    items = list(range(100_000))
    parts = workers.shares(items, 2)
    assert [item for part in parts for item in part] == items
    sizes = [len(part) for part in parts]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == 100_000 // 8  # a quarter of a worker's share first
    assert sizes[-2] == 50 and sizes[-1] <= 50  # the last parts are small: the workers finish together
    assert len(parts) < 100


def test_shares_of_little_work():
    assert workers.shares([], 2) == []
    assert workers.shares(list(range(30)), 2) == [list(range(30))]
    assert [len(p) for p in workers.shares(list(range(120)), 4, smallest=50)] == [50, 50, 20]
