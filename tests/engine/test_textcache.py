"""Text caches keep short texts only, so a day of long, distinct messages cannot grow them without bound."""

from huida.engine import text
from huida.engine.textcache import short_text_cache


def test_short_texts_are_computed_once_and_long_ones_every_time() -> None:
    calls: list[str] = []

    @short_text_cache(maxsize=4, longest=5)
    def upper(value: str) -> str:
        calls.append(value)
        return value.upper()

    assert [upper("abc"), upper("abc"), upper("abcdefgh"), upper("abcdefgh")] == ["ABC", "ABC", "ABCDEFGH", "ABCDEFGH"]
    assert calls == ["abc", "abcdefgh", "abcdefgh"]
    assert upper.cache_info().currsize == 1  # type: ignore[attr-defined]


def test_the_word_cut_cache_does_not_keep_long_runs() -> None:
    text.cut_cjk.cache_clear()  # type: ignore[attr-defined]
    long_run = "我想知道我的订单什么时候发货以及怎么申请退款退货和换货的流程是怎样的请告诉我"
    assert len(long_run) > 32
    assert text.cut_cjk(long_run) == text.cut_cjk(long_run)
    assert text.cut_cjk.cache_info().currsize == 0  # type: ignore[attr-defined]
    text.cut_cjk("怎么退款")
    assert text.cut_cjk.cache_info().currsize == 1  # type: ignore[attr-defined]
