"""The answer engine, one test per category of the issue, on questions written for these tests.

A question the engine gets wrong goes in as a strict xfail (pytest.param with
marks=pytest.mark.xfail(strict=True)), so that a fix shows up as XPASS.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from helpers_core import LEAD_CHARS, REPO_ROOT, SHIPPED_TOPICS

from bot.engine import Answer, Engine, Turn
from bot.locales import t
from bot.render import Plain, render_answer
from bot.text import detect_language, normalise


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def reply(engine: Engine, answer: Answer) -> str:
    return render_answer(answer, engine.kb, Plain)


def converse(engine: Engine, *questions: str, lang: str | None = None) -> list[Answer]:
    """Ask questions as one conversation, the way the bot and `ask --dialogue` do."""
    context: list[Turn] = []
    answers = []
    for question in questions:
        answer = engine.answer(question, lang, context)
        context.append(answer.turn)
        answers.append(answer)
    return answers


def assert_topic(answer: Answer, topic: str) -> None:
    assert answer.answered, f"declined {answer.question!r} (score {answer.score})"
    assert answer.topic == topic, f"{answer.question!r} -> {answer.topics}"


def assert_declined(answer: Answer) -> None:
    assert not answer.answered, f"answered {answer.question!r} with {answer.topics}"
    assert answer.topic is None and answer.fact is None


# --- the shape of an answer ------------------------------------------------------------------


def test_answer_has_topic_fact_score_and_language(engine: Engine) -> None:
    answer = engine.answer("Astana talks on Syria")
    assert answer.kind == "topic"
    assert answer.topic == "syria"
    assert answer.fact in {f.id for f in engine.kb.topics["syria"].facts}
    assert 0 < answer.score <= 100
    assert answer.lang == "en"
    assert answer.turn == Turn(answer.topics, answer.facts)


def test_declined_answer_is_empty(engine: Engine) -> None:
    answer = engine.answer("What is the meaning of life?")
    assert answer.kind == "declined"
    assert not answer.answered
    assert answer.topics == () and answer.facts == ()


def test_engine_does_not_import_telegram() -> None:
    # in a fresh interpreter: other test modules may have imported telegram into this one
    code = (
        "import sys, bot.engine, bot.render, bot.evaluate, bot.loader; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'telegram'"
        " or m.startswith('bot.telegram')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


# --- normalisation, case and punctuation -----------------------------------------------------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("SYRIA!!!", "syria"),
        ("  syria   talks  ", "syria"),
        ("syria?!?!", "syria"),
        ("...iran...", "iran"),
        ("Ｉｒａｎ", "iran"),  # full-width letters, NFKC folds them
        ("Ukra\u200bine", "ukraine"),  # a zero-width space inside the word
        ("\ufeffMinsk summits", "ukraine"),
        ("Iran’s nuclear deal", "iran"),
        ("Iran`s nuclear deal", "iran"),
        ("Russia\u2011Turkey reconciliation", "russia_turkey"),
        ("Russia–Turkey rift", "russia_turkey"),
        ("«Ядерная сделка» с Ираном", "iran"),
        ("ШЕСТЁРКА И ИРАН", "iran"),
        ("Шестерка и Иран", "iran"),
        ("Сирия\u00a0переговоры", "syria"),
        ("(UN) (Security) (Council)", "unsc"),
        ("Islamic\tcooperation", "oic"),
        ("iran\nnuclear\ndeal", "iran"),
    ],
)
def test_normalisation_case_and_punctuation(engine: Engine, question: str, topic: str) -> None:
    assert_topic(engine.answer(question), topic)


def test_invisible_character_between_letter_and_accent() -> None:
    assert normalise("Ре\u200b\u0308ц") == normalise("Рёц")
    assert normalise(normalise("A\x08\u0300")) == normalise("A\x08\u0300")


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("WHEN WERE THE ASTANA TALKS ON SYRIA???", "when were the astana talks on syria"),
        ("Когда Прошли Переговоры По Сирии?!", "когда прошли переговоры по сирии"),
        ("ИРАН ЯДРОЛЫҚ КЕЛІСІМІ", "иран ядролық келісімі"),
    ],
)
def test_case_and_punctuation_do_not_change_the_answer(
    engine: Engine, variant: str, plain: str
) -> None:
    a, b = engine.answer(variant), engine.answer(plain)
    assert (a.topics, a.facts, a.focus, a.lang) == (b.topics, b.facts, b.focus, b.lang)


# --- stop words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "what did kazakhstan do",
        "Kazakhstan",
        "KAZAKHSTAN!",
        "kazakhstan kazakhstan kazakhstan",
        "the",
        "what",
        "Tell me something",
        "Казахстан",
        "Что сделал Казахстан?",
        "Қазақстан",
        "Қазақстан не істеді?",
    ],
)
def test_only_stop_words_is_declined(engine: Engine, question: str) -> None:
    assert_declined(engine.answer(question))


@pytest.mark.parametrize(
    ("wordy", "bare", "topic"),
    [
        ("What did Kazakhstan do in the UN Security Council?", "UN Security Council", "unsc"),
        (
            "Tell me what Kazakhstan did for the Iranian nuclear deal",
            "Iranian nuclear deal",
            "iran",
        ),
        ("Could you tell me about the Minsk summits, please?", "Minsk summits", "ukraine"),
        ("Расскажите, что Казахстан сделал по Сирии", "Сирия", "syria"),
        ("Қазақстан Ислам ынтымақтастығы ұйымында не істеді?", "Ислам ынтымақтастығы", "oic"),
    ],
)
def test_stop_words_do_not_dilute_a_question(
    engine: Engine, wordy: str, bare: str, topic: str
) -> None:
    a, b = engine.answer(wordy), engine.answer(bare)
    assert_topic(a, topic)
    assert_topic(b, topic)
    assert a.score >= b.score - 1e-9


# --- typos -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("syira", "syria"),
        ("siria peace talks", "syria"),
        ("ukrane", "ukraine"),
        ("ukrainian crissis", "ukraine"),
        ("iarn nuclear", "iran"),
        ("nucelar deal iran", "iran"),
        ("secruity council", "unsc"),
        ("seccurity councel membership", "unsc"),
        ("astna talks", "syria"),
        ("minks summits", "ukraine"),
        ("oganisation of islamic coperation", "oic"),
        ("turky and rusia", "russia_turkey"),
        ("nazarbaev turkey russia", "russia_turkey"),
        ("Сирийя", "syria"),
        ("Украйна", "ukraine"),
        ("Совет Безопастности", "unsc"),
        ("Ирн ядерная сделка", "iran"),
        ("Украйнадағы дағдарыс", "ukraine"),
    ],
)
def test_word_level_typos(engine: Engine, question: str, topic: str) -> None:
    assert_topic(engine.answer(question), topic)


# --- aliases and synonyms --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # capitals of the parties (never people or places the source does not name)
        ("Damascus", "syria"),
        ("Tehran", "iran"),
        ("Kyiv", "ukraine"),
        ("Kiev", "ukraine"),
        ("Moscow and Ankara", "russia_turkey"),
        ("Мәскеу мен Анкара", "russia_turkey"),
        ("Тегеран", "iran"),
        ("Москва и Анкара", "russia_turkey"),
        # acronyms
        ("UNSC", "unsc"),
        ("OIC", "oic"),
        ("JCPOA", "iran"),
        ("P5+1", "iran"),
        ("E3+3", "iran"),
        ("ООН", "unsc"),
        ("Совбез ООН", "unsc"),
        ("БҰҰ", "unsc"),
        ("ОИС", "oic"),
        ("ИЫҰ", "oic"),
        ("СВПД", "iran"),
        # former and alternative names, synonyms
        ("Nur-Sultan talks", "syria"),
        ("Iranian atomic programme", "iran"),
        ("Türkiye and Russia", "russia_turkey"),
        ("Muslim world rapprochement", "oic"),
        ("Organization of Islamic Cooperation", "oic"),
        ("non-permanent seat at the United Nations", "unsc"),
        ("thaw between Moscow and Ankara", "russia_turkey"),
        ("humanitarian corridors for refugees", "syria"),
    ],
)
def test_aliases_and_synonyms(engine: Engine, question: str, topic: str) -> None:
    assert_topic(engine.answer(question), topic)


# --- Russian and Kazakh inflection -----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Сирия", "syria"),
        ("Сирии", "syria"),
        ("Сирию", "syria"),
        ("Сирией", "syria"),
        ("о сирийских переговорах", "syria"),
        ("Украиной", "ukraine"),
        ("на Украине", "ukraine"),
        ("Ираном", "iran"),
        ("с Турцией и Россией", "russia_turkey"),
        ("в Совете Безопасности", "unsc"),
        ("Минскими саммитами", "ukraine"),
        ("Организацией исламского сотрудничества", "oic"),
        ("Сириядағы", "syria"),
        ("Сирияның", "syria"),
        ("Сириямен", "syria"),
        ("Украинадағы", "ukraine"),
        ("Украинадағы дағдарысқа", "ukraine"),
        ("Иранның", "iran"),
        ("Ирандағы ядролық бағдарламаға", "iran"),
        ("Түркиямен", "russia_turkey"),
        ("Ресейдің", "russia_turkey"),
        ("Қауіпсіздік Кеңесіндегі", "unsc"),
        ("Минск саммиттерінде", "ukraine"),
        ("келіссөздерінде Астана Сирия", "syria"),
    ],
)
def test_russian_and_kazakh_inflection(engine: Engine, question: str, topic: str) -> None:
    assert_topic(engine.answer(question), topic)


@pytest.mark.parametrize(
    ("question", "topic", "lang"),
    [
        ("Когда прошли переговоры по Сирии в Астане?", "syria", "ru"),
        ("Как Казахстан помог примирить Россию и Турцию?", "russia_turkey", "ru"),
        ("Казахстан — непостоянный член Совбеза ООН", "unsc", "ru"),
        ("Роль Казахстана в урегулировании украинского кризиса", "ukraine", "ru"),
        ("Переговоры «шестёрки» с Ираном в Алматы", "iran", "ru"),
        ("Исламское сближение через ОИС", "oic", "ru"),
        ("Сирия жөніндегі Астана келіссөздері қашан өтті?", "syria", "kk"),
        ("Қазақстан Ресей мен Түркияны қалай татуластырды?", "russia_turkey", "kk"),
        ("Қазақстан БҰҰ Қауіпсіздік Кеңесіне қашан сайланды?", "unsc", "kk"),
        ("Иранның ядролық бағдарламасы бойынша келіссөздер", "iran", "kk"),
        ("Украинадағы дағдарысты реттеуге Қазақстанның үлесі", "ukraine", "kk"),
        ("Ислам ынтымақтастығы ұйымы арқылы жақындасу", "oic", "kk"),
    ],
)
def test_russian_and_kazakh_questions(engine: Engine, question: str, topic: str, lang) -> None:
    answer = engine.answer(question)
    assert_topic(answer, topic)
    assert answer.lang == lang


# --- Russian typed in Latin letters ----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("peregovory po sirii v astane", "syria"),
        ("siriya", "syria"),
        ("chto kazakhstan sdelal dlya ukrainy", "ukraine"),
        ("minskie sammity", "ukraine"),
        ("yadernaya sdelka s iranom", "iran"),
        ("peregovory s iranom v almaty", "iran"),
        ("sovet bezopasnosti oon", "unsc"),
        ("sovbez oon", "unsc"),
        ("primirenie rossii i turcii", "russia_turkey"),
        ("otnosheniya rossii i turtsii", "russia_turkey"),
        ("organizatsiya islamskogo sotrudnichestva", "oic"),
        ("kogda byli peregovory po sirii", "syria"),
    ],
)
def test_russian_typed_in_latin_letters(engine: Engine, question: str, topic: str) -> None:
    assert_topic(engine.answer(question), topic)


def test_latin_typed_when_question_leads_with_the_date(engine: Engine) -> None:
    answer = engine.answer("kogda byli peregovory po sirii v astane")
    assert answer.focus == "when"
    assert "2017" in reply(engine, answer)[:LEAD_CHARS]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # "care" read as Russian in Latin letters is "каре", an off-domain word
        ("Does Kazakhstan care about Afghanistan at the UN?", "unsc"),
        ("rasskazhi pro sovbez oon", "unsc"),  # "pro" is про, not the English prefix
    ],
)
def test_an_english_question_is_not_read_as_latin_typed_russian(
    engine: Engine, question: str, topic: str
) -> None:
    assert_topic(engine.answer(question), topic)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What was the goal of the Astana talks?", "syria"),
        ("Какова была цель переговоров в Астане?", "syria"),
        ("ОИС мақсаты қандай?", "oic"),
    ],
)
def test_aims_and_goals_ask_why(engine: Engine, question: str, topic: str) -> None:
    answer = engine.answer(question)
    assert_topic(answer, topic)
    assert answer.focus == "why"


def test_a_prefix_cut_off_by_a_hyphen_says_nothing(engine: Engine) -> None:
    """ "intra-" of "intra-Syrian talks" must not tie "intra-Muslim" to Syria."""
    assert_topic(engine.answer("intra-Muslim dialogue efforts"), "oic")


def test_kazakh_typed_without_kazakh_letters_by_its_little_words() -> None:
    assert detect_language("Ресей мен Туркия арасындагы кайшылык") == "kk"
    assert detect_language("Противоречия между Россией и Турцией") == "ru"


# --- questions by date -----------------------------------------------------------------------


def _facts_dated_exactly(engine: Engine, label: str) -> set[str]:
    return {fid for fid, (_, f) in engine.kb.facts.items() if f.date and str(f.date) == label}


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("What happened in 2016?", "2016"),
        ("Anything from 2016?", "2016"),
        ("Что произошло в 2016 году?", "2016"),
        ("2016 жылы қандай оқиғалар болды?", "2016"),
        ("What did Kazakhstan do in 2015?", "May–October 2015"),
        ("Kazakhstan in 2013", "2013"),
        ("2013", "2013"),
        ("events of 2017-2018", "2017–2018"),
        ("What happened in May 2015?", "May 2015"),
        ("What happened on 23 January 2017?", "23 January 2017"),
        ("Что было в январе 2017 года?", "23 January 2017"),
        ("what happened on 8 February?", "8 February 2017 (scheduled)"),
        ("Tell me about February 2017", "8 February 2017 (scheduled)"),
        ("events of October 2015", "October 2015"),
        ("Which initiatives date from October 2015?", "October 2015"),
    ],
)
def test_date_question_lists_every_fact_of_that_date(
    engine: Engine, question: str, label: str
) -> None:
    answer = engine.answer(question)
    assert answer.answered, f"declined {question!r}"
    expected = _facts_dated_exactly(engine, label)
    assert expected, label
    assert expected <= set(answer.facts)
    text = reply(engine, answer)
    for fact_id in expected:
        assert engine.kb.fact(fact_id).text.get(answer.lang) in text


def test_year_with_two_topics_lists_both(engine: Engine) -> None:
    answer = engine.answer("What happened in 2016?")
    assert answer.kind == "date"
    assert set(answer.topics) == {"russia_turkey", "unsc"}
    assert set(answer.facts) == {"rift_healed_2016", "elected_2016"}


def test_date_answer_lists_facts_in_date_order_or_exact_first(engine: Engine) -> None:
    answer = engine.answer("What happened in 2015?")
    dated = [engine.kb.fact(f).date for f in answer.facts]
    assert {"first_round_2015", "second_round_2015", "humanitarian_agreements_2015"} <= set(
        answer.facts
    )
    assert all(d is not None for d in dated)


@pytest.mark.parametrize(
    "question",
    [
        "What happened in 1995?",
        "What did Kazakhstan do in 2010?",
        "Anything in 2019?",
        "events of 2021",
        "What happened in June 2012?",
        "What happened on 1 July 2019?",
        "Что было в 1998 году?",
        "2020 жылы не болды?",
    ],
)
def test_date_with_no_facts_is_declined(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert_declined(answer)
    assert answer.dates


@pytest.mark.parametrize(
    "question", ["What happened on 31 February 2016?", "Syria talks 30 February 2017"]
)
def test_impossible_date_does_not_crash_the_engine(engine: Engine, question: str) -> None:
    engine.answer(question)


def test_declined_date_says_so(engine: Engine) -> None:
    answer = engine.answer("What happened in 1995?")
    assert "1995" in reply(engine, answer).splitlines()[0]


def test_date_and_topic_together_pick_the_dated_fact(engine: Engine) -> None:
    assert engine.answer("Syria talks in October 2015").fact == "second_round_2015"
    assert engine.answer("Syria talks in May 2015").fact == "first_round_2015"
    assert engine.answer("Security Council 2016").fact == "elected_2016"


# --- bare keywords and acronyms, any case ----------------------------------------------------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("iran", "iran"),
        ("IRAN", "iran"),
        ("iRaN", "iran"),
        ("syria", "syria"),
        ("ukraine", "ukraine"),
        ("russia", "russia_turkey"),
        ("turkey", "russia_turkey"),
        ("astana", "syria"),
        ("geneva", "syria"),
        ("minsk", "ukraine"),
        ("MINSK", "ukraine"),
        ("unsc", "unsc"),
        ("UnSc", "unsc"),
        ("oic", "oic"),
        ("Oic", "oic"),
        ("jcpoa", "iran"),
        ("Jcpoa", "iran"),
        ("p5+1", "iran"),
        ("оон", "unsc"),
        ("Оон", "unsc"),
        ("бұұ", "unsc"),
        ("оис", "oic"),
        ("ресей", "russia_turkey"),
        ("иран", "iran"),
        ("russia_turkey", "russia_turkey"),
    ],
)
def test_bare_keywords_and_acronyms(engine: Engine, question: str, topic: str) -> None:
    assert_topic(engine.answer(question), topic)


# --- long chatty messages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        (
            "Hello! Could you please tell me what Kazakhstan did for the Iran nuclear deal? "
            "Thank you!",
            "iran",
        ),
        (
            "Hey, quick question for my homework: when did Astana host the Syrian talks? "
            "thanks a lot",
            "syria",
        ),
        (
            "Hi! I have been reading the news lately and I wonder: what was Kazakhstan's role "
            "in the Minsk summits on Ukraine?",
            "ukraine",
        ),
        (
            "Привет! Подскажите, пожалуйста, когда Казахстан принимал переговоры по Ирану? "
            "Спасибо!",
            "iran",
        ),
        (
            "Сәлеметсіз бе! Айтыңызшы, Қазақстан Иран ядролық келісіміне қандай үлес қосты? "
            "Рахмет!",
            "iran",
        ),
        (
            "Hi there! Hope you are doing well. I'm a student writing an essay and I was "
            "wondering, if it's not too much trouble, what role Kazakhstan played in bringing "
            "Iran and the world powers together over the nuclear issue? Thanks so much in advance!",
            "iran",
        ),
        (
            "Good morning :) my grandfather keeps telling stories about the Minsk summits and "
            "I honestly never understood what Kazakhstan had to do with them, could you explain?",
            "ukraine",
        ),
        (
            "Привет! Извините за беспокойство, я готовлю доклад для университета и хотела бы "
            "узнать, как Казахстан помогал урегулированию сирийского конфликта. Заранее спасибо!",
            "syria",
        ),
        (
            "Сәлеметсіз бе! Мен мектепте баяндама дайындап жатырмын, Қазақстанның БҰҰ Қауіпсіздік "
            "Кеңесіндегі мүшелігі туралы айтып бере аласыз ба? Рахмет!",
            "unsc",
        ),
    ],
)
def test_long_chatty_messages(engine: Engine, question: str, topic: str) -> None:
    assert_topic(engine.answer(question), topic)


def test_chatty_when_question_still_leads_with_the_date(engine: Engine) -> None:
    answer = engine.answer(
        "Hey, quick question for my homework: when did Astana host the Syrian talks? thanks"
    )
    assert "23 January 2017" in reply(engine, answer)[:LEAD_CHARS]


# --- two topics at once ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "topics"),
    [
        ("Iran and Ukraine", {"iran", "ukraine"}),
        (
            "What did Kazakhstan do about the Iran deal and the Minsk summits?",
            {"iran", "ukraine"},
        ),
        ("OIC and Iran", {"oic", "iran"}),
        ("Иран и Украина", {"iran", "ukraine"}),
        ("Иран мен Украина туралы", {"iran", "ukraine"}),
        ("What did Kazakhstan do about Syria and Iran?", {"syria", "iran"}),
        ("What did Kazakhstan do about Syria and Ukraine?", {"syria", "ukraine"}),
        ("Сирия и Украина", {"syria", "ukraine"}),
        (
            "Tell me about the OIC and the UN Security Council",
            {"oic", "unsc"},
        ),
        (
            "Russia-Turkey and Ukraine",
            {"russia_turkey", "ukraine"},
        ),
    ],
)
def test_two_topics_at_once(engine: Engine, question: str, topics: set[str]) -> None:
    answer = engine.answer(question)
    assert answer.answered
    assert topics <= set(answer.topics), answer.topics
    text = reply(engine, answer)
    for topic in topics:
        assert engine.kb.topics[topic].title.get(answer.lang) in text


def test_two_topic_answer_has_a_fact_for_each(engine: Engine) -> None:
    answer = engine.answer("Iran and Ukraine")
    assert len(answer.facts) == len(answer.topics)
    for topic, fact in zip(answer.topics, answer.facts, strict=True):
        assert engine.kb.topic_of(fact).id == topic


# --- conversation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "follow_up", "topic", "lead"),
    [
        ("Iran nuclear talks", "when was that?", "iran", "2013"),
        ("Russia Turkey reconciliation", "when did that happen?", "russia_turkey", "2016"),
        ("Tell me about the Minsk summits", "who else took part?", "ukraine", "Nazarbayev"),
        ("Astana talks on Syria", "and the first round?", "syria", "May 2015"),
        ("Astana talks on Syria", "and the second one?", "syria", "October 2015"),
        ("The Syrian talks in Astana", "what about Ukraine?", "ukraine", None),
        ("UN Security Council", "what about the OIC?", "oic", None),
        ("Syria talks", "where were they held?", "syria", "Astana"),
        ("the Iran deal", "who took part?", "iran", "P5+1"),
        ("Russia and Turkey", "who is its partner there?", "russia_turkey", None),
        ("Переговоры по Ирану", "а когда это было?", "iran", "2013"),
        ("Примирение России и Турции", "а кто помог?", "russia_turkey", "Назарбаев"),
        ("Сирия бойынша келіссөздер", "бұл қашан болды?", "syria", "2017"),
        ("Минск саммиттері", "ал Иран ше?", "iran", None),
    ],
)
def test_follow_up_is_read_against_the_previous_turn(
    engine: Engine, first: str, follow_up: str, topic: str, lead
) -> None:
    _, answer = converse(engine, first, follow_up)
    assert_topic(answer, topic)
    if lead:
        assert lead in reply(engine, answer)[:LEAD_CHARS]


def test_follow_up_without_context_is_declined(engine: Engine) -> None:
    for question in ["when did that happen?", "who else took part?", "а когда это было?"]:
        assert_declined(engine.answer(question))


def test_context_follows_the_latest_topic(engine: Engine) -> None:
    answers = converse(engine, "Iran nuclear deal", "what about Ukraine?", "when was that?")
    assert [a.topic for a in answers] == ["iran", "ukraine", "ukraine"]
    assert "2014" in reply(engine, answers[-1])[:LEAD_CHARS]


def test_follow_up_after_a_declined_turn_uses_the_last_answered_one(engine: Engine) -> None:
    answers = converse(engine, "Iran nuclear deal", "what is the weather like?", "when was that?")
    assert answers[1].topic is None
    assert answers[2].topic == "iran"


@pytest.mark.parametrize(
    "off_topic",
    [
        "ok bye",
        "good night",
        "cool, and who won the match?",
        "thanks!",
        "thank you, bye",
        "lol",
        "what is the weather there?",
        "and what about the football?",
        "nice. do you like pizza?",
        "спокойной ночи",
        "спасибо, пока",
        "а погода там какая?",
        "рахмет, сау бол",
        "жақсы, қайырлы түн",
    ],
)
def test_context_never_drags_off_topic_messages_into_an_answer(
    engine: Engine, off_topic: str
) -> None:
    _, answer = converse(engine, "When were the Astana talks on Syria?", off_topic)
    assert_declined(answer)


# --- declining off-topic questions and decoys ------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "hello",
        "how are you?",
        "What time is it?",
        "Tell me a joke",
        "What is the meaning of life?",
        "What happened in 1995?",
        "Did Kazakhstan mediate in Yemen?",
        "Did Kazakhstan mediate between India and Pakistan?",
        # decoys that share a word with a topic
        "What is the weather in Tehran?",
        "Ankara hotels",
        "Minsk football club",
        "How many people live in Syria?",
        "Moscow metro opening hours",
        "Iran oil exports",
        "Almaty ski resort",
        "Astana restaurants",
        "Geneva watch shops",
        "Turkish delight recipe",
        "Russian grammar lessons",
        "cheap flights to Istanbul",
        "Iranian films",
        "Kyiv airport",
        "What is the population of Kazakhstan?",
        # Russian
        "Какая погода в Тегеране?",
        "Гостиницы в Анкаре",
        "Футбольный клуб Минск",
        "Рецепт турецкого кофе",
        "Население Ирана",
        "Билеты в Женеву",
        "курс рубля",
        # Kazakh
        "Тегерандағы ауа райы қандай?",
        "Анкарадағы қонақүйлер",
        "Иранның халқы қанша?",
        "Минск футбол клубы",
        "Женеваға билет қанша тұрады?",
        "Who is the president of Ukraine now?",
        ("What is the capital of Turkey?"),
        "Who won the World Cup?",
        "Сәлем, қалайсың?",
    ],
)
def test_off_topic_and_decoys_are_declined(engine: Engine, question: str) -> None:
    assert_declined(engine.answer(question))


# --- the reply leads with what was asked -----------------------------------------------------


@pytest.mark.parametrize(
    ("question", "focus", "lead"),
    [
        ("When did Kazakhstan host the Iran talks?", "when", "2013"),
        ("When did Astana host the Syria talks?", "when", "23 January 2017"),
        ("When was the first round of Syrian opposition talks?", "when", "May 2015"),
        ("When did the second Syrian round take place?", "when", "October 2015"),
        ("When was Kazakhstan elected to the Security Council?", "when", "2016"),
        ("When were the Geneva talks on Syria scheduled?", "when", "8 February 2017 (scheduled)"),
        ("In which year did Nazarbayev reconcile Russia and Turkey?", "when", "2016"),
        ("Когда Казахстан принимал переговоры по Ирану?", "when", "2013"),
        ("Астанадағы Сирия келіссөздері қашан өтті?", "when", "2017 жылғы 23 қаңтар"),
        ("Which city hosted the Syria talks in January 2017?", "where", "Astana"),
        ("Where did the Minsk summits take place?", "where", "Minsk"),
        ("Где проходили переговоры по Сирии в январе 2017 года?", "where", "Астана"),
        ("Сирия келіссөздері қайда өтті?", "where", "Астана"),
        ("Who healed the rift between Russia and Turkey?", "who", "Nazarbayev"),
        ("Who helped convene the Minsk summits?", "who", "Nazarbayev"),
        ("Who negotiated with Iran in Kazakhstan?", "who", "P5+1"),
        ("Кто помог примирить Россию и Турцию?", "who", "Назарбаев"),
        ("Why was Astana chosen for the Syria talks?", "why", "neutrality"),
        ("Why did Kazakhstan oppose military options in Syria?", "why", "exacerbate"),
        ("Why did Kazakhstan work through the OIC?", "why", "ties"),
        ("Почему Астана была выбрана для переговоров по Сирии?", "why", "нейтралитет"),
        ("Неге Астана таңдалды?", "why", "бейтараптығы"),
        ("Who did Kazakhstan work with in the OIC?", "who", "Turkey"),
    ],
)
def test_reply_leads_with_what_was_asked(engine: Engine, question: str, focus: str, lead: str):
    answer = engine.answer(question)
    assert answer.answered, f"declined {question!r}"
    assert answer.focus == focus
    first_sentence = reply(engine, answer)[:LEAD_CHARS]
    assert lead in first_sentence, first_sentence


def test_a_question_without_focus_leads_with_the_title(engine: Engine) -> None:
    answer = engine.answer("Minsk summits")
    assert answer.focus is None
    title = engine.kb.topics["ukraine"].title.en
    assert reply(engine, answer).startswith(title)


# --- reply language --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Syria", "en"),
        ("sirii peregovory", "en"),
        ("2016?", "en"),
        ("", "en"),
        ("🇰🇿", "en"),
        ("Сирия", "ru"),
        ("Переговоры в Астане", "ru"),
        ("ПЕРЕГОВОРЫ", "ru"),
        ("Iran и Украина", "ru"),
        ("Сирия туралы айтыңыз", "kk"),
        ("Қазақстан", "kk"),
        ("ҚАЗАҚСТАН", "kk"),
        ("Иран ядролық", "kk"),
        ("Iran ядролық deal", "kk"),
        ("Үкімет", "kk"),
        ("Һ", "kk"),
        ("Әлем", "kk"),
    ],
)
def test_language_detection(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Astana talks on Syria", "en"),
        ("Переговоры в Астане по Сирии", "ru"),
        ("Сирия бойынша Астана келіссөздері", "kk"),
    ],
)
def test_reply_is_in_the_detected_language(engine: Engine, question: str, lang: str) -> None:
    answer = engine.answer(question)
    assert answer.lang == lang
    text = reply(engine, answer)
    assert engine.kb.topics["syria"].title.get(lang) in text


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Astana talks on Syria", "ru"),
        ("Astana talks on Syria", "kk"),
        ("Переговоры в Астане по Сирии", "en"),
        ("Сирия бойынша Астана келіссөздері", "ru"),
        ("What happened in 2016?", "kk"),
        ("hello", "ru"),
    ],
)
def test_explicit_language_wins(engine: Engine, question: str, lang: str) -> None:
    answer = engine.answer(question, lang=lang)
    assert answer.lang == lang
    text = reply(engine, answer)
    if lang == "en":
        assert not re.search("[а-яё]", text.lower())
    else:
        assert re.search("[а-яё]", text.lower())


def test_unknown_explicit_language_falls_back_to_detection(engine: Engine) -> None:
    assert engine.answer("Сирия", lang="de").lang == "ru"
    assert engine.answer("Сирия", lang=None).lang == "ru"


def test_russian_date_answer_is_all_russian(engine: Engine) -> None:
    answer = engine.answer("Что произошло в 2016 году?")
    assert answer.lang == "ru"
    words = re.sub(r"/[a-z_]+", "", reply(engine, answer).lower().split("\n\n")[0])  # not commands
    assert not re.search("[a-z]{4,}", words)


@pytest.mark.parametrize(
    ("question", "lang", "label"),
    [
        ("Что было в январе 2017?", "ru", "январь 2017"),
        ("2017 жылғы қаңтарда не болды?", "kk", "2017 жылғы қаңтар"),
    ],
)
def test_month_date_answer_heading_is_in_the_reply_language(
    engine: Engine, question: str, lang: str, label: str
) -> None:
    answer = engine.answer(question)
    assert answer.lang == lang
    heading = reply(engine, answer).splitlines()[0]
    assert label in heading
    assert "January" not in heading


# --- "did you mean" --------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["talks", "negotiations", "переговоры", "келіссөздер"])
def test_ambiguous_question_offers_candidates(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert len(answer.candidates) >= 2
    assert set(answer.candidates) <= SHIPPED_TOPICS
    assert len(set(answer.candidates)) == len(answer.candidates)
    assert answer.topic not in answer.candidates


def test_candidates_are_shown_to_the_user(engine: Engine) -> None:
    answer = engine.answer("talks")
    lines = reply(engine, answer).splitlines()
    assert len(answer.candidates) > 1
    start = lines.index("Perhaps you mean one of these topics:")
    shown = lines[start + 1 : start + 1 + len(answer.candidates)]
    assert shown == [f"/{c} — {engine.kb.topics[c].title.en}" for c in answer.candidates]


def test_clear_question_offers_no_candidates(engine: Engine) -> None:
    assert engine.answer("When did Kazakhstan host the Iran talks?").candidates == ()


def test_off_topic_question_offers_no_candidates(engine: Engine) -> None:
    assert engine.answer("Ankara hotels").candidates == ()


# --- determinism -----------------------------------------------------------------------------


def test_answers_are_deterministic_across_engines(engine: Engine) -> None:
    other = Engine.load()
    for question in ["Syria", "talks", "What happened in 2015?", "Iran and Ukraine", "hello"]:
        assert engine.answer(question) == other.answer(question)


# --- issue 10: what no fact holds, long messages, paraphrases, Kazakh ------------------------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What did Russia and Turkey sign in St Petersburg in 2016?", "russia_turkey"),
        ("How many votes did Kazakhstan win in the Security Council election?", "unsc"),
        ("Which sanctions on Iran were lifted in 2016?", "iran"),
        ("Who is the OIC's Secretary General?", "oic"),
        ("Кто секретарь ОИС?", "oic"),
        ("Ислам ынтымақтастығы ұйымының бас хатшысы кім?", "oic"),
        ("How many countries are members of the OIC?", "oic"),
        ("What are the points of the Minsk II package?", "ukraine"),
    ],
)
def test_a_detail_no_fact_holds_is_declined_with_its_topic_offered(
    engine: Engine, question: str, topic: str
) -> None:
    answer = engine.answer(question)
    assert (answer.topic, answer.declined) == (None, "detail_not_in_facts")
    assert answer.candidates == (topic,)
    lines = reply(engine, answer).splitlines()
    assert lines[0] == t(answer.lang, "decline_detail") and lines[1] == t(
        answer.lang, "known_about"
    )
    assert f"/{topic}" in lines[2]


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("What is the weather in Astana today?", "off_topic"),
        ("Who won the football match yesterday?", "off_topic"),
        ("How do I set up a security council at my startup?", "off_topic"),
        ("talks", "unsure"),
    ],
)
def test_every_decline_says_why(engine: Engine, question: str, reason: str) -> None:
    answer = engine.answer(question)
    assert (answer.kind, answer.declined) == ("declined", reason)
    assert bool(answer.candidates) == (reason != "off_topic")


def test_an_answer_has_no_decline_reason(engine: Engine) -> None:
    answer = engine.answer("When did Kazakhstan take part in implementing the JCPOA?")
    assert (answer.topic, answer.fact, answer.declined) == ("iran", "jcpoa", None)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("How many rounds of Iran talks did Kazakhstan host?", "iran"),
        ("How many Minsk summits did Nazarbayev help convene?", "ukraine"),
        ("Сколько раундов переговоров по Ирану принял Казахстан?", "iran"),
        ("Иран бойынша неше раунд келіссөз өтті?", "iran"),
    ],
)
def test_how_many_is_answered_by_a_fact_that_states_a_count(
    engine: Engine, question: str, topic: str
) -> None:
    answer = engine.answer(question)
    assert (answer.topic, answer.focus) == (topic, "how_many")
    assert answer.fact in engine.counted


def test_how_many_years_asks_when(engine: Engine) -> None:
    answer = engine.answer("How many years does Kazakhstan's Security Council term cover?")
    assert (answer.topic, answer.focus) == ("unsc", "when")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        (
            "My daughter is writing an essay on Central Asian foreign policy. Her teacher says "
            "Kazakhstan was a big player in the Middle East. She mentioned something about "
            "Syria. Is that true?",
            "syria",
        ),
        (
            "I'm a journalist preparing a background piece for tomorrow's edition. My editor "
            "wants one line on why the January 2017 Syria meeting ended up in Kazakhstan "
            "rather than somewhere else. What reason is given?",
            "syria",
        ),
        (
            "Мой сын пишет курсовую о внешней политике. Его преподаватель считает, что "
            "Казахстан ничего не делал. А какую роль Казахстан сыграл в иранской ядерной сделке?",
            "iran",
        ),
    ],
)
def test_a_long_message_is_answered_by_its_question(
    engine: Engine, question: str, topic: str
) -> None:
    assert engine.answer(question).topic == topic


def test_a_long_message_asking_what_we_never_hold_is_declined(engine: Engine) -> None:
    question = (
        "My daughter is writing an essay about Kazakhstan. She needs the population of Iran. "
        "Can you tell me?"
    )
    assert engine.answer(question).declined == "off_topic"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Tell me about the Levant war", "syria"),
        ("the summits in the Belarusian capital", "ukraine"),
        ("the UN body that decides on war and peace", "unsc"),
        ("the bloc of Muslim-majority states", "oic"),
        ("Tehran's atom programme", "iran"),
        ("саммиты в белорусской столице", "ukraine"),
        ("переговоры по атомной программе Тегерана", "iran"),
        ("Беларусь астанасындағы саммиттер", "ukraine"),
        ("Тегеранның атом бағдарламасы", "iran"),
    ],
)
def test_paraphrases_without_a_topic_word(engine: Engine, question: str, topic: str) -> None:
    assert engine.answer(question).topic == topic


@pytest.mark.parametrize(
    ("first", "followup", "topic"),
    [
        ("Расскажи о переговорах по Сирии в Астане", "А сколько там было раундов?", "syria"),
        ("Что Казахстан делал в Совете Безопасности ООН?", "а какие у него приоритеты?", "unsc"),
        ("Как Казахстан помирил Россию и Турцию?", "И что это им дало?", "russia_turkey"),
        ("Астанадағы Сирия келіссөздері туралы айтыңыз", "Неге дәл сол жерде?", "syria"),
        ("Минск саммиттері туралы айтып беріңіз", "ол қашан болды?", "ukraine"),
    ],
)
def test_russian_and_kazakh_follow_ups_keep_the_conversation(
    engine: Engine, first: str, followup: str, topic: str
) -> None:
    answers = converse(engine, first, followup)
    assert [a.topic for a in answers] == [topic, topic]


def test_thanks_ends_a_conversation_rather_than_following_up(engine: Engine) -> None:
    answers = converse(engine, "Tell me about the UN Security Council", "thanks, that's helpful!")
    assert answers[1].topic is None


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("Қазақстан қай жылы БҰҰ Қауіпсіздік Кеңесіне сайланды?", "when"),
        ("Сирия келіссөздері қай жерде өтті?", "where"),
        ("Сирия келіссөздері қайда өтті?", "where"),
        ("Ресей мен Түркияны кім татуластырды?", "who"),
        ("Иран бойынша неше раунд келіссөз өтті?", "how_many"),
        ("Қазақстан Иранмен қанша раунд келіссөз өткізді?", "how_many"),
        ("Неге Астана таңдалды?", "why"),
        ("Астана не үшін таңдалды?", "why"),
        ("Сирия келіссөздері қашан және қайда өтті?", "where"),  # the word nearest the verb
    ],
)
def test_kazakh_question_words(engine: Engine, question: str, focus: str) -> None:
    assert engine.answer(question).focus == focus


@pytest.mark.parametrize(
    ("question", "topic", "focus"),
    [
        ("Qazaqstan Siriia boiynsha kelissozder qashan otti?", "syria", "when"),  # ASCII
        ("Qazaqstan Sırıa boıynsha kelissózder qashan ótti?", "syria", "when"),  # 2021
        ("Qazaqstan Sirii'a boi'ynsha kelisso'zder qas'an o'tti?", "syria", "when"),  # 2017
        ("BUU Qauipsizdik Kenesi", "unsc", None),
        ("Qazaqstan qai jyly BUU Qauipsizdik Kenesine sailandy?", "unsc", "when"),
        ("Minsk sammitteri qashan boldy?", "ukraine", "when"),
        ("Reseı men Túrkııany kim tatýlastyrdy?", "russia_turkey", "who"),
    ],
)
def test_kazakh_in_latin_letters_is_read_and_answered_in_kazakh(
    engine: Engine, question: str, topic: str, focus: str | None
) -> None:
    answer = engine.answer(question)
    assert (answer.topic, answer.focus, answer.lang) == (topic, focus, "kk")


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Kazakhstan Security Council", "en"),
        ("When were the Astana talks on Syria?", "en"),
        ("kogda byli peregovory po sirii", "en"),  # Russian in Latin letters: not Kazakh
        ("sammity v minske", "en"),
    ],
)
def test_other_latin_text_is_not_read_as_kazakh(engine: Engine, question: str, lang: str) -> None:
    answer = engine.answer(question)
    assert answer.lang == lang and answer.answered


# --- "what does Kazakhstan do", a country's capital, a career (review of issue 10) -----------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("ИЫҰ арқылы Қазақстан не істейді?", "oic"),
        ("Қазақстан Африкада не істейді?", "unsc"),
        ("What does Kazakhstan do in the OIC?", "oic"),
        ("Что Казахстан делает в ОИС?", "oic"),
        ("Астанада қандай келіссөздер өтті?", "syria"),  # the city, not "a capital"
    ],
)
def test_what_kazakhstan_does_is_answered(engine: Engine, question: str, topic: str) -> None:
    assert_topic(engine.answer(question), topic)


@pytest.mark.parametrize(
    "question",
    [
        "Қазақстан астанасы қандай?",
        "Qazaqstan astanasy qandai?",
        "What is the capital of Kazakhstan?",
        "When did Nazarbayev become president?",
        "When was Nazarbayev elected president?",
        "Когда Назарбаев стал президентом?",
        "Назарбаев қашан президент болды?",
    ],
)
def test_a_capital_or_a_career_is_declined(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert_declined(answer)
    assert answer.declined == "off_topic", answer.declined


# --- issue 10, set B: general causes of over-declining -----------------------------------------


def test_a_phrase_of_three_words_asks_as_a_whole(engine: Engine) -> None:
    """ "what number of" asks how many; "whats" alone is a loose "what", not a count."""
    assert engine.analyse("What number of rounds were held on Syria?").focus == "how_many"
    assert engine.analyse("whats Kazakhstan's approach to the Syrian war").focus is None
    assert_topic(engine.answer("whats Kazakhstan's approach to the Syrian war"), "syria")


def test_a_loose_what_before_an_unknown_word_does_not_decline(engine: Engine) -> None:
    assert_topic(engine.answer("What lies behind Kazakhstan's work with Turkey in the OIC?"), "oic")


def test_a_strict_which_before_an_unknown_word_still_declines(engine: Engine) -> None:
    answer = engine.answer("Which coalition of world powers talked to Iran in Almaty?")
    assert_declined(answer)
    assert answer.declined == "detail_not_in_facts"


def test_a_head_is_read_with_what_it_is_of(engine: Engine) -> None:
    """ "which group of world powers": the group is the powers, which the Iran facts name."""
    assert_topic(engine.answer("Which group of world powers talked to Iran in Almaty?"), "iran")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("My cousin thinks Kazakhstan ignored the Syrian war. What did it actually do?", "syria"),
        ("My Iran essay is due tomorrow. What did Kazakhstan do?", "iran"),
        ("Мой брат уверен, что Казахстан ничего не сделал для Сирии. Что он сделал?", "syria"),
        (
            "My teacher mentioned the war in the country whose capital is Damascus. "
            "What did Kazakhstan do there?",
            "syria",
        ),
    ],
)
def test_the_askers_own_context_is_not_what_is_asked(
    engine: Engine, question: str, topic: str
) -> None:
    """The word after "my" is the asker's; a question word of an earlier sentence ("whose")
    does not ask when the last sentence asks with its own."""
    answer = engine.answer(question)
    assert_topic(answer, topic)
    assert answer.focus is None


@pytest.mark.parametrize(
    "questions",
    [
        ("Kazakhstan and the Iran nuclear talks", "who were the sides?"),
        ("Iran nuclear talks in Almaty", "and who was on the other side of the table?"),
    ],
)
def test_a_role_word_follow_up_stays_on_the_topic(engine: Engine, questions: tuple) -> None:
    """ "who were the sides?" asks for a role of the topic under discussion."""
    first, follow = converse(engine, *questions)
    assert_topic(first, "iran")
    assert_topic(follow, "iran")
    assert follow.focus == "who" and follow.role == "parties"


@pytest.mark.parametrize(
    "question",
    [
        "Which treaty did Russia and Turkey sign after they made up?",
        "Какой договор подписали Россия и Турция?",
    ],
)
def test_a_recorded_act_no_fact_records_is_declined(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert_declined(answer)
    assert answer.declined == "detail_not_in_facts"
    assert "russia_turkey" in answer.candidates


def test_a_loose_verb_is_not_a_recorded_act(engine: Engine) -> None:
    assert_topic(
        engine.answer("What did the thaw between Russia and Turkey make possible?"),
        "russia_turkey",
    )


@pytest.mark.parametrize(
    "question",
    [
        "What did Kazakhstan accomplish diplomatically in 2016?",
        "Что сделал Казахстан в 2016 году на международной арене?",
    ],
)
def test_a_date_with_only_generic_words_lists_that_year(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert answer.kind == "date"
    assert {"russia_turkey", "unsc"} <= set(answer.topics)


@pytest.mark.parametrize(
    ("questions", "topic", "focus"),
    [
        (("Расскажи про Сирию", "а теперь про Иран"), "iran", None),
        (("Казахстан в Совбезе ООН", "а когда его выбрали?"), "unsc", "when"),
        (("Ресей мен Түркия татуласуы", "бұл неге маңызды?"), "russia_turkey", "why"),
        (("Сирия бойынша келіссөздер", "одан кейін қайда?"), "syria", "where"),
    ],
)
def test_russian_and_kazakh_follow_ups_of_set_b(
    engine: Engine, questions: tuple, topic: str, focus: str | None
) -> None:
    """ "теперь", "маңызды", "одан" are chat or pointers, "выбрали" is an election."""
    follow = converse(engine, *questions)[-1]
    assert_topic(follow, topic)
    assert follow.focus == focus


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("украина дагдарыс назарбаев", "kk"),  # «дағдарыс» typed without ғ
        ("сирия келиссоздер астана", "kk"),
        ("Украина кризис Назарбаев", "ru"),
        ("сирийская опозиция астана", "ru"),  # a Russian typo is no Kazakh word
        ("Сирия", "ru"),
    ],
)
def test_kazakh_typed_on_a_russian_keyboard_is_answered_in_kazakh(
    engine: Engine, question: str, lang: str
) -> None:
    answer = engine.answer(question)
    assert answer.answered
    assert answer.lang == lang


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("minsk nazarbaev ukraina dagdarysy", "kk"),
        ("Nazarbayev Minsk talks", "en"),
    ],
)
def test_names_both_write_alike_do_not_make_kazakh_latin_english(
    engine: Engine, question: str, lang: str
) -> None:
    """ "nazarbaev", "minsk" are spelled so in English and in Kazakh Latin: they count for
    neither, so two Kazakh words make the question Kazakh."""
    answer = engine.answer(question)
    assert_topic(answer, "ukraine")
    assert answer.lang == lang


@pytest.mark.parametrize(
    "question",
    [
        "Ресей мен Түркия арасындағы қатынас қай жылы қалпына келді?",
        "Nazarbaev Resei men Turkiiany qai jyly tatulastyrdy?",
    ],
)
def test_two_names_joined_by_a_conjunction_make_no_pair(engine: Engine, question: str) -> None:
    """ "Ресей мен Түркия" is two names, as "Russia and Turkey" is: no pair of them pulls the
    answer to a fact that happens to write them side by side, away from the dated one."""
    analysis = engine.analyse(question)
    assert all(pair.term != "=russia|=turkey" for pair in analysis.pairs)
    answer = engine.answer(question)
    assert answer.focus == "when"
    assert answer.fact == "rift_healed_2016"


def test_anything_else_asks_past_the_last_answer(engine: Engine) -> None:
    """ "anything else?" goes to another topic whose fact speaks to every word of it; "who
    else" asks for more of the same answer."""
    *_, beyond = converse(
        engine,
        "How did Kazakhstan reconcile Russia and Turkey?",
        "does it work with Turkey on anything else?",
    )
    assert_topic(beyond, "oic")
    *_, more = converse(engine, "Iran nuclear talks in Almaty", "who else was involved?")
    assert_topic(more, "iran")


@pytest.mark.parametrize(
    ("question", "topic", "role"),
    [
        ("Who attended the 2015 rounds hosted by Kazakhstan?", "syria", "parties"),
        ("С кем вёл переговоры Иран в Казахстане?", "iran", "parties"),
        ("Иран Қазақстанда кіммен келіссөз жүргізді?", "iran", "parties"),
    ],
)
def test_role_words_and_phrases_are_no_unknown_words(
    engine: Engine, question: str, topic: str, role: str
) -> None:
    """ "who *attended*", «*вёл переговоры*», «*келіссөз жүргізді*» say what is asked: no fact
    need use them, and they point at no topic ("held talks" is also the Ukraine fact's)."""
    analysis = engine.analyse(question)
    assert analysis.role == role and not analysis.unknown and not analysis.unknown_head
    answer = engine.answer(question)
    assert_topic(answer, topic)
    assert answer.role == role


def test_an_act_asked_of_a_date_needs_a_fact_of_that_date_naming_it(engine: Engine) -> None:
    """Syria records agreements of 2015: nothing signed on 23 January 2017."""
    assert not engine.answer("What was signed in Astana on 23 January 2017?").answered
    assert_topic(engine.answer("What was established in 2015 in Astana?"), "syria")


@pytest.mark.parametrize(
    "question",
    [
        "when is the next meeting of the security council of my building?",
        "Когда следующее заседание совета безопасности моего дома?",
    ],
)
def test_what_of_my_thing_is_the_askers_own(engine: Engine, question: str) -> None:
    """ "the security council *of my building*" is the building's, not the UN's."""
    assert not engine.answer(question).answered


def test_a_possessive_keeps_a_name_the_base_writes(engine: Engine) -> None:
    assert_topic(engine.answer("my Syria essay: when were the Astana talks?"), "syria")
    assert_topic(engine.answer("For my Iran presentation: how many rounds?"), "iran")


def test_one_inflected_kazakh_word_among_names_is_kazakh_in_latin_letters(
    engine: Engine,
) -> None:
    answer = engine.answer("minsk sammitteri nazarbaev")
    assert (answer.lang, answer.topic) == ("kk", "ukraine")
    assert engine.answer("minsk summits nazarbaev").lang == "en"
    assert engine.answer("syria dialog").lang == "en"  # no Kazakh ending: English


def test_the_sources_middle_east_heading_names_its_topics(engine: Engine) -> None:
    """The source files the OIC and the Iranian deal under "…initiatives in the Middle East"."""
    for question in ("what about the middle east?", "Казахстан и Ближний Восток"):
        answer = engine.answer(question)
        assert set(answer.topics) <= {"oic", "iran"} and answer.topics, (question, answer)


def test_which_ordinal_year_follows_up_in_kazakh(engine: Engine) -> None:
    *_, year = converse(engine, "Иран ядролық келісімі", "нешінші жылы?")
    assert_topic(year, "iran")
    assert year.focus == "when"


def test_russian_and_in_latin_letters_joins_two_topics(engine: Engine) -> None:
    answer = engine.answer("chto kazahstan sdelal dlya irana i sirii")
    assert set(answer.topics) == {"iran", "syria"}, answer
    for english in ("i want to know about syria", "What did I learn about Syria today?"):
        assert not engine.analyse(english).conjunction  # plainly English: "i" is no «и»


def test_a_reason_is_no_reason_for_another_act(engine: Engine) -> None:
    """ "Thanks to Nazarbayev's efforts" says why cooperation resumed, not why they quarrelled:
    no short stem of the lexicon («қайшылық» is «қай») ties a resumption to the rift."""
    answer = engine.answer("Why did Russia and Turkey quarrel?")
    assert answer.fact == "rift_healed_2016" and answer.topic == "russia_turkey"
    assert engine.analyse("Ресей мен Түркия ынтымақтастықты қашан қайта бастады?").focus == "when"


@pytest.mark.parametrize(
    "question",
    [
        "Why did Turkey shoot down the Russian jet?",
        "Почему Турция сбила российский самолёт?",
        "What exact day in May 2015 did the first round start?",
    ],
)
def test_what_no_fact_records_about_our_countries_or_dates_is_declined(
    engine: Engine, question: str
) -> None:
    """Two words no fact uses, beside only country names; the day within the month asked."""
    answer = engine.answer(question)
    assert not answer.answered and answer.declined == "detail_not_in_facts", answer


def test_a_russian_word_is_not_cut_into_a_short_kazakh_stem(engine: Engine) -> None:
    assert engine.index.resolve("самолет") is None  # not «сам…»
    assert engine.index.resolve("помогал") is not None  # «помога…»: a Russian ending left


@pytest.mark.parametrize(
    ("question", "topics"),
    [
        ("Кому приписывают примирение Москвы и Анкары?", {"russia_turkey"}),
        ("What other initiatives does Kazakhstan have with Turkey?", {"oic", "russia_turkey"}),
    ],
)
def test_credit_words_and_initiatives(engine: Engine, question: str, topics: set) -> None:
    answer = engine.answer(question)
    assert answer.answered and set(answer.topics) <= topics, answer


def test_kazakh_taghy_asks_past_the_last_answer(engine: Engine) -> None:
    *_, other = converse(
        engine,
        "Ресей мен Түркия қарым-қатынасын жақсартуға кім көмектесті?",
        "ал Түркиямен бірге тағы қандай бастама бар?",
    )
    assert_topic(other, "oic")


@pytest.mark.parametrize(
    ("question", "topics"),
    [
        ("List all the talks Kazakhstan hosted", {"syria", "iran"}),
        ("перечисли все переговоры которые проводил казахстан", {"syria", "iran"}),
        ("Қазақстан қандай келіссөздерді өткізді? Барлығын атап бер", {"syria", "iran"}),
    ],
)
def test_a_list_request_names_every_topic_that_fits(
    engine: Engine, question: str, topics: set
) -> None:
    """Both topics whose talks Kazakhstan hosted; Russia–Turkey (which organised the Syrian
    ones) may come too, as the list's third."""
    found = set(engine.answer(question).topics)
    assert topics <= found <= topics | {"russia_turkey", "ukraine"}, found


def test_a_list_is_of_one_thing_not_of_two() -> None:
    """ "OIC members list": the UN Council's membership is no member of the OIC's."""
    assert not Engine.load().answer("OIC members list").answered


def test_president_is_no_leader_role_and_a_leader_follow_up_is_declined(engine: Engine) -> None:
    answer = engine.answer("who's the president who fixed russia-turkey relations?")
    assert answer.topic == "russia_turkey" and answer.role != "leaders"
    *_, led = converse(engine, "iran talks in kazakhstan", "who led the US delegation?")
    assert not led.answered and led.declined == "detail_not_in_facts"
    *_, votes = converse(engine, "Казахстан в Совбезе ООН", "а сколько стран проголосовало за?")
    assert not votes.answered


def test_a_spaced_dash_parts_two_sentences(engine: Engine) -> None:
    question = (
        "hey, quick one before my exam tomorrow (so stressed lol) - what was Kazakhstan's "
        "part in the Ukraine crisis? thanks a ton"
    )
    assert_topic(engine.answer(question), "ukraine")
    long = (
        "Hello, I'm a freelance journalist going through old notes. Somebody told me "
        "Kazakhstan teamed up with another country inside the OIC on Islamic rapprochement "
        "- which country was that? Thanks a lot."
    )
    assert_topic(engine.answer(long), "oic")  # "old notes": no "how old"


def test_russian_content_words_in_latin_letters_are_not_kazakh(engine: Engine) -> None:
    answer = engine.answer("ois kazahstan turciya islamskoe sblizhenie")
    assert answer.lang != "kk"
    assert_topic(answer, "oic")
