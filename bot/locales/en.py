"""English user-facing strings."""

STRINGS = {
    # answers
    "focus_when": "When: {value}.",
    "focus_when_unknown": "The source does not say when this happened.",
    "focus_when_no_day": "The source gives no exact day: {value}.",
    "focus_when_not": "When: {value} (the source gives this date, not {asked}).",
    "focus_date_not": "The source gives the date {value}, not {asked}.",
    "focus_where": "Where: {value}.",
    "focus_where_unknown": "The source does not say where this took place.",
    "focus_who": "Who: {value}.",
    "focus_who_unknown": "The source does not say who did this.",
    "focus_who_unknown_actor": "The source does not say who did this.",
    "focus_who_unknown_host": "The source does not say who hosted this.",
    "focus_who_unknown_parties": "The source does not say who took part in this.",
    "focus_who_unknown_organisers": "The source does not say who organised this.",
    "focus_who_unknown_leaders": "The source does not say who led this.",
    "role_host": "host",
    "role_parties": "participants",
    "role_organisers": "organisers",
    "role_leaders": "leaders",
    "focus_why": "Why: {value}.",
    "focus_why_unknown": "The source gives no reason for this.",
    "focus_how_many": "How many: {value}.",
    "focus_how_many_unknown": "The source gives no exact number for this.",
    "other_facts": "Also on this topic:",
    "related": "Related: {value}",
    "source": "Source: {value}",
    "on_date": "Events of {value}:",
    "no_date": "The fact base has nothing dated {value}.",
    "decline": "Sorry, I can only answer questions about Kazakhstan's diplomacy initiatives, "
    "and I don't know the answer to that one.",
    "decline_detail": "I don't know that: the facts I have don't say.",
    "known_about": "Here is what I do know on this topic:",
    "whole_topic": "The whole topic: {value}",
    "whole_topics": "The topics in full: {value}",
    "whole_timeline": "The timeline: {value}",
    "maybe_topic": "Perhaps you mean this topic:",
    "maybe_topics": "Perhaps you mean one of these topics:",
    "more_topics": "… and {value} more: /topics",
    "topics_intro": "I know about these topics:",
    "timeline_title": "Timeline of Kazakhstan's diplomacy initiatives",
    "timeline_year_title": "Timeline: {value}",
    "timeline_empty": "Nothing is dated {value}. Dated facts run from {first} to {last}.",
    "timeline_bad_year": "Give a year as four digits, e.g. /timeline 2015.",
    # bot
    "welcome": "Hello! I answer questions about Kazakhstan's global diplomacy initiatives: "
    "the Astana talks on Syria, Russia–Turkey reconciliation, the UN Security Council, "
    "the OIC, the Iranian nuclear talks and the Ukrainian crisis.\n"
    "Ask me anything in English, Russian or Kazakh, or pick a topic:",
    "help": "Ask a question in your own words, e.g. “When was Kazakhstan elected to the UN "
    "Security Council?” or “What happened in 2015?”.\n\n"
    "/topics: the list of topics\n/timeline: every dated event (/timeline 2015 for one year)\n"
    "/quiz: a quiz question (/quiz iran, /quiz 2015); /quiz score: your score\n"
    "/ask QUESTION: ask in a group\n/lang en|ru|kk: choose the reply language\n\n"
    "In groups, mention me or reply to my message. In any chat, type @{username} and a question.",
    "unknown_command": "I don't know that command. Try /help or /topics.",
    "ask_usage": "Write your question after the command, e.g. /ask Who reconciled Russia and "
    "Turkey?",
    "lang_set": "Replies will be in English.",
    "lang_usage": "Choose a language: /lang en, /lang ru or /lang kk.",
    "help_topics": "Each topic has its own command:",
    "button_timeline": "🗓 Timeline",
    "button_share": "↗ Share",
    "button_related": "→ {value}",
    "button_maybe": "? {value}",
    "stale_button": "This button is out of date. Try /topics.",
    "inline_topic_description": "Kazakhstan's role, with dates",
    "kb_summary": "{topics} topics, {facts} facts, languages: {languages}",
    "kb_no_language": "none complete",
    "reload_ok": "Fact base reloaded: {value}.",
    "reload_failed": "The fact base was NOT reloaded; the old one stays live.\n{value}",
    "bot_description": "Answers questions about Kazakhstan's global diplomacy initiatives "
    "(Syria, Russia–Turkey, UN Security Council, OIC, Iran, Ukraine) with dates, "
    "in English, Russian and Kazakh.",
    "bot_short_description": "Kazakhstan's diplomacy initiatives, with dates.",
    "cmd_start": "Welcome and topics",
    "cmd_help": "How to ask",
    "cmd_topics": "List of topics",
    "cmd_timeline": "Dated events in order",
    "cmd_ask": "Ask a question",
    "cmd_lang": "Reply language: en, ru, kk",
    # quiz
    "quiz_next": "Next question ➡",
    "quiz_score": "Your quiz score: {correct} right of {answered}.",
    "quiz_score_none": "You have not answered a quiz question here yet. Try /quiz.",
    "quiz_top": "Top players in this chat:",
    "quiz_top_line": "{rank}. {name}: {correct} of {answered}",
    "quiz_unknown": "I have no quiz about “{value}”. Try /quiz, a topic (/quiz iran) "
    "or a year (/quiz 2015).",
    "quiz_empty": "I have no quiz questions on that yet. Try /quiz.",
    "quiz_answer_prompt": "Your answer (1–{value}): ",
    "quiz_right": "Right!",
    "quiz_wrong": "Not quite: the answer is {value}.",
    "cmd_quiz": "Quiz: /quiz, /quiz iran, /quiz 2015, /quiz score",
}
