"""The Vietnamese catalogue is complete, and the extractor finds what Django will look up."""

from motcua.core import i18n


def test_every_user_facing_string_has_a_vietnamese_translation() -> None:
    assert i18n.check() == []


def test_extractor_reads_python_calls() -> None:
    source = (
        'x = _("One")\ny = gettext_lazy("Two")\n'
        'z = ngettext("a file", "%(n)s files", n)\np = pgettext("ctx", "Three")'
    )

    assert set(i18n.messages_in_python(source)) == {
        i18n.Message("One"),
        i18n.Message("Two"),
        i18n.Message("a file", plural="%(n)s files"),
        i18n.Message("Three", context="ctx"),
    }


def test_extractor_reads_template_tags() -> None:
    source = (
        '{% translate "Sign in" %} {% trans \'Home\' context "menu" %}'
        "{% blocktranslate trimmed %}\n  Hello {{ name }},\n  welcome {% endblocktranslate %}"
    )

    assert set(i18n.messages_in_template(source)) == {
        i18n.Message("Sign in"),
        i18n.Message("Home", context="menu"),
        i18n.Message("Hello %(name)s, welcome"),
    }
