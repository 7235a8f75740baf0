//! Portal chrome recognised by what its text looks like, in Russian, Azerbaijani and English.
//!
//! Regional portals put the same furniture beside every story, often inside the container
//! that holds it: exchange-rate and weather informers, the typo-report prompt ("Нашли
//! ошибку? Выделите её и нажмите Ctrl+Enter"), reader polls, and lines of other stories'
//! headlines with their times. Their markup differs from site to site and their class names
//! say nothing a list could know, but their text has a shape: a currency code beside a
//! figure, a temperature, a question with short answers and a vote count, a time beside a
//! headline. This module reads that shape from the rendered blocks; no rule here knows a
//! site.
//!
//! Each test is narrow on purpose. A line is chrome by what it is (figures beside currency
//! codes, a temperature, the prompt's own words, a poll's label or vote count); short
//! labels beside such lines go with them (a widget's heading, a city's name, an answer); a
//! poll is only a poll with a question and something to vote with. A sentence that mentions
//! a currency, the weather or a vote is never touched, and neither are election results:
//! shares of the vote without a poll's question and buttons are the story.
//!
//! Calls to action (stand with us, donate, subscribe, sign the petition) are boxes an NGO
//! puts anywhere in a story: a short block that opens with the call goes, with the lines
//! beside it that speak to the reader; a paragraph that reports giving or subscribing in
//! the third person is the story's own.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::clean;
use super::render::{Block, BlockKind};

/// ISO codes of the currencies (and the commodities) that rate informers list, as written.
const CURRENCY_CODES: &[&str] = &[
    "USD", "EUR", "RUB", "RUR", "GBP", "CHF", "CNY", "JPY", "TRY", "AZN", "KZT", "UAH", "BYN",
    "GEL", "AMD", "UZS", "KGS", "TJS", "TMT", "IRR", "AED", "SAR", "PLN", "CZK", "SEK", "NOK",
    "DKK", "CAD", "AUD", "INR", "KRW", "HKD", "SGD", "BTC", "ETH", "XAU", "XAG",
];

/// Currency symbols.
const CURRENCY_SYMBOLS: &[char] = &['$', '€', '₽', '£', '¥', '₼', '₺', '₸', '₴', '₾', '֏'];

/// Stems of currency and commodity names in rate informers ("Доллар 91,17", "Avro 1.93",
/// "Нефть Brent 78,4").
const CURRENCY_STEMS: &[&str] = &[
    "доллар",
    "евро",
    "юан",
    "рубл",
    "фунт",
    "манат",
    "лир",
    "нефть",
    "золото",
    "dollar",
    "euro",
    "yuan",
    "ruble",
    "rouble",
    "pound",
    "manat",
    "lira",
    "avro",
    "rubl",
    "funt",
    "brent",
    "wti",
    "bitcoin",
    "neft",
    "qızıl",
];

/// Most words a rates line has besides its codes and figures ("Курс ЦБ", "Alış Satış").
const RATE_LINE_MAX_OTHER_WORDS: usize = 2;

/// Longest line read as a widget's line: rates, weather, a vote count.
const WIDGET_LINE_MAX_CHARS: usize = 100;

/// Longest label that goes with the widget beside it, in characters and words.
const LABEL_MAX_CHARS: usize = 40;
const LABEL_MAX_WORDS: usize = 5;

/// Words of a widget's heading, beside which there are rates, the weather or a poll:
/// matched against the whole words of a short line ("Курсы валют ЦБ РФ", "Погода в
/// Заречье", "Valyuta məzənnələri", "Bakıda hava", "Weather in Baku").
const WIDGET_HEADING_WORDS: &[&str] = &[
    "курсы",
    "курс",
    "валют",
    "погода",
    "погоды",
    "котировки",
    "информер",
    "valyuta",
    "məzənnə",
    "məzənnələri",
    "məzənnəsi",
    "hava",
    "havası",
    "weather",
    "forecast",
    "currency",
    "currencies",
    "rates",
    "namaz",
    "намаз",
    "намаза",
];

/// Names of a line the reader may phone to report something, which NGO and election
/// monitors' sites box beside every story ("Горячая линия", "Qaynar xətt", "Hotline").
const HOTLINE_NAMES: &[&str] = &[
    "горячая линия",
    "горячей линии",
    "гаряча лінія",
    "гарячої лінії",
    "телефон доверия",
    "qaynar xətt",
    "hotline",
    "helpline",
];

/// Fewest and most digits of a phone number, as sites print it.
const PHONE_MIN_DIGITS: usize = 7;
const PHONE_MAX_DIGITS: usize = 15;
/// Longest line that gives a hotline's numbers, and most words beside the numbers.
const PHONE_LINE_MAX_CHARS: usize = 160;
const PHONE_LINE_MAX_WORDS: usize = 10;

/// Names of the five daily prayers and of sunrise as prayer-times informers print them,
/// each beside its time ("Sübh 05:42", "İmsak 05:42 Güneş 07:10", "Фаджр 05:42").
const PRAYER_NAMES: &[&str] = &[
    "sübh",
    "günəş",
    "zöhr",
    "əsr",
    "axşam",
    "işa",
    "imsak",
    "güneş",
    "öğle",
    "ikindi",
    "akşam",
    "yatsı",
    "фаджр",
    "восход",
    "зухр",
    "аср",
    "магриб",
    "иша",
    "fajr",
    "sunrise",
    "dhuhr",
    "asr",
    "maghrib",
    "isha",
];

/// Words that, as the first word of a short line, make it a poll's label ("Опрос: …",
/// "Sorğu", "Poll: …", "Опрос дня").
const POLL_WORDS: &[&str] = &["опрос", "голосуйте", "sorğu", "poll", "anket"];

/// Stems of the word "poll" inside a short heading ("Результаты опроса", "Əvvəlki sorğunun
/// nəticələri", "Previous polls").
const POLL_STEMS: &[&str] = &["опрос", "sorğu", "poll"];

/// A poll's buttons and links, when they come out as text: the whole line is made of these.
const VOTE_BUTTON_WORDS: &[&str] = &[
    "голосовать",
    "проголосовать",
    "результаты",
    "все",
    "опросы",
    "архив",
    "səs",
    "ver",
    "verin",
    "nəticələr",
    "nəticələri",
    "bütün",
    "sorğular",
    "vote",
    "view",
    "show",
    "see",
    "results",
    "all",
    "polls",
];

/// Openings of a poll's vote count ("Всего голосов: 1 284", "Səs verənlər: 1 284",
/// "Total votes: 2,317"), followed by a figure.
const VOTE_COUNT_PHRASES: &[&str] = &[
    "всего голосов",
    "всего проголосовало",
    "проголосовало",
    "проголосовали",
    "голосов",
    "səs verənlər",
    "səs verənlərin sayı",
    "ümumi səs",
    "səslərin sayı",
    "səs sayı",
    "total votes",
    "votes",
    "total voters",
    "voters",
];

/// Words a vote count may end with, after its figure.
const VOTE_COUNT_UNITS: &[&str] = &[
    "человек",
    "человека",
    "чел.",
    "голосов",
    "голоса",
    "nəfər",
    "səs",
    "people",
    "votes",
];

/// Stems of the counters a portal prints by a story of how often it was viewed or read
/// ("Просмотров: 1 284", "Oxunub: 2317", "Baxış sayı: 912", "12 views", "5343 mal
/// gelesen"). Compared with the start of a word.
const VIEW_COUNTER_STEMS: &[&str] = &[
    "просмотр",
    "прочтени",
    "перегляд",
    "baxış",
    "baxılıb",
    "oxunub",
    "oxunma",
    "görüntülenme",
    "okunma",
    "views",
    "reads",
    "aufrufe",
    "gelesen",
    "vues",
    "visitas",
    "lecturas",
    "wyświetle",
];

/// Stems of the words that say a figure is a reading time ("5 min read", "Читать 3 мин.",
/// "Время чтения: 3 минуты", "Oxuma vaxtı: 3 dəqiqə", "Okuma süresi: 3 dakika",
/// "Lesezeit: 4 Min."), compared with the start of a word; with a unit of
/// [`MINUTE_STEMS`] beside them, the part is a counter.
const READING_STEMS: &[&str] = &[
    "read",
    "чтени",
    "читать",
    "прочтени",
    "читання",
    "oxu",
    "okuma",
    "lesezeit",
    "lesedauer",
    "lecture",
    "lectura",
    "leitura",
    "lettura",
];

/// Stems of the minute in a reading time.
const MINUTE_STEMS: &[&str] = &["min", "мин", "хв", "dəq", "dak"];

/// Labels an advertising slot carries on a line of its own ("Реклама", "Advertisement",
/// "Anzeige"), compared with the whole line's words, single-spaced.
const AD_LABELS: &[&str] = &[
    "реклама",
    "партнерский материал",
    "партнёрский материал",
    "reklam",
    "reklama",
    "advertisement",
    "advertising",
    "sponsored",
    "sponsored content",
    "anzeige",
    "werbung",
    "publicité",
    "publicidad",
    "pubblicità",
    // the line a news site leaves where an ad slot breaks the story
    "story continues below advertisement",
    "story continues below",
    "article continues below advertisement",
    "article continues below",
    "continue reading the main story",
    "continue reading below",
    "advertisement scroll to continue",
    "scroll to continue with content",
    "продолжение ниже",
    "продолжение после рекламы",
    "xəbərin davamı aşağıda",
    "haberin devamı aşağıda",
    "reklamdan sonra devam ediyor",
];

/// Longest line compared with [`AD_LABELS`], in bytes: their longest, in Cyrillic, with
/// marks and spaces around it.
const AD_LABEL_MAX_BYTES: usize = 80;

/// Longest block read as an advertisement's marking.
const AD_MARKING_MAX_CHARS: usize = 300;

/// Longest line read as a line of counters, and most words in it and in each of its parts.
const COUNTER_LINE_MAX_CHARS: usize = 120;
const COUNTER_LINE_MAX_WORDS: usize = 12;
const COUNTER_PART_MAX_WORDS: usize = 5;

/// The typo-report prompt ("Нашли ошибку? Выделите её и нажмите Ctrl+Enter", "Mətndə səhv
/// görsəniz, onu seçib Ctrl+Enter düyməsini basın", "Found a typo? Select it and press
/// Ctrl+Enter") without the key combination, which alone gives it away.
const TYPO_PHRASES: &[&str] = &[
    "нашли ошибку",
    "нашли опечатку",
    "заметили ошибку",
    "заметили опечатку",
    "видите ошибку",
    "сообщить об ошибке",
    "səhv tapdınız",
    "səhv tapmısınız",
    "səhv görsəniz",
    "səhv görmüsünüz",
    "xəta tapdınız",
    "xəta tapmısınız",
    "xəta görsəniz",
    "orfoqrafik səhv",
    "found a typo",
    "found a mistake",
    "found an error",
    "spotted a typo",
    "spotted a mistake",
    "spotted an error",
    "notice a typo",
    "noticed a typo",
    "report a typo",
    "report an error",
];

/// The typo-report prompt in the other languages of the web, as the question it opens with
/// ("Vous avez repéré une erreur ? Écrivez-nous", "Fehler gefunden? Schreiben Sie uns",
/// "¿Has visto un error?"): only with its question mark, since a story may report that
/// someone found an error.
const TYPO_QUESTIONS: &[&str] = &[
    "repéré une erreur",
    "repéré une faute",
    "vu une erreur",
    "trouvé une erreur",
    "une coquille",
    "fehler gefunden",
    "fehler entdeckt",
    "tippfehler gefunden",
    "visto un error",
    "visto una errata",
    "encontrado un error",
    "detectado un error",
    "trovato un errore",
    "notato un errore",
    "encontrou um erro",
    "viu um erro",
    "detetou um erro",
    "zauważyłeś błąd",
    "znalazłeś błąd",
    "widzisz błąd",
    "помітили помилку",
    "знайшли помилку",
    "hata mı buldunuz",
    "hata buldunuz",
    "yazım hatası mı",
    "fout gezien",
    "fout gevonden",
    "fout ontdekt",
    "hittat ett fel",
    "sett ett fel",
];

/// Longest typo prompt, in characters.
const TYPO_MAX_CHARS: usize = 200;

/// Names of the messengers, social networks and news feeds a portal invites readers to
/// follow it on, as whole lower-cased words ("Telegram-da" is "telegram" and "da").
const CHANNEL_NAMES: &[&str] = &[
    "telegram",
    "телеграм",
    "телеграме",
    "телеграмм",
    "телеграмме",
    "дзен",
    "дзене",
    "dzen",
    "zen",
    "vk",
    "вк",
    "вконтакте",
    "vkontakte",
    "одноклассниках",
    "одноклассники",
    "youtube",
    "ютуб",
    "ютубе",
    "rutube",
    "instagram",
    "инстаграм",
    "инстаграме",
    "facebook",
    "фейсбук",
    "фейсбуке",
    "twitter",
    "твиттер",
    "твиттере",
    "x",
    "tiktok",
    "whatsapp",
    "viber",
    "вайбер",
    "вайбере",
    "threads",
    "linkedin",
    "bluesky",
    "mastodon",
    "max",
    "kanalımızda",
    "kanalımıza",
    "kanalımızı",
    "каналу",
    "канал",
    "канале",
    "channel",
    "channels",
];

/// Words that call the reader to a channel: imperatives in Russian and Azerbaijani
/// ("Читайте нас в Telegram", "Bizi Telegram-da izləyin", and the call for news tips "Есть
/// новость? Присылайте в WhatsApp"), and in English the verbs that a
/// call opens with or that "us" and "our" follow ("Follow us on X", "Join our Telegram
/// channel"). A report that someone posted on Telegram has none of them.
const CHANNEL_CALL_WORDS: &[&str] = &[
    "читайте",
    "подписывайтесь",
    "подпишитесь",
    "следите",
    "присоединяйтесь",
    "смотрите",
    "переходите",
    "заходите",
    "ищите",
    "присылайте",
    "пишите",
    "отправляйте",
    "izləyin",
    "göndərin",
    "yazın",
    "izlə",
    "abunə",
    "oxuyun",
    "qoşulun",
    "baxın",
    // Ukrainian, Turkish, and the other languages of the web ("Únete a nuestro canal de
    // Telegram", "Folge uns auf Instagram", "Suivez-nous sur Facebook")
    "підписуйтесь",
    "приєднуйтесь",
    "стежте",
    "katılın",
    "únete",
    "síguenos",
    "suscríbete",
    "síganos",
    "únase",
    "suivez",
    "rejoignez",
    "abonnez",
    "acompanhe",
    "inscreva",
    "seguici",
    "iscriviti",
    "unisciti",
    "obserwuj",
    "dołącz",
];

/// English verbs of a call to a channel: they count when the line opens with one, or
/// when "us" or "our" is among its words.
const CHANNEL_CALL_VERBS_EN: &[&str] = &[
    "follow",
    "join",
    "subscribe",
    "read",
    "find",
    "watch",
    "send",
    "message",
];

/// German verbs of a call to a channel: they count when "uns" or "unser…" is among the
/// line's words ("Folge uns auf Instagram"); "Folge" alone is also an episode.
const CHANNEL_CALL_VERBS_DE: &[&str] = &["folge", "folgt", "folgen", "abonniere", "abonniert"];

/// Longest line of a story's tools: its print, rating and share buttons.
const TOOL_LINE_MAX_CHARS: usize = 80;

/// Labels of the button that prints a story ("Версия для печати", "Print this article",
/// "Çap et"), compared with the whole line without the punctuation around it.
const PRINT_LABELS: &[&str] = &[
    "print",
    "print this",
    "print this page",
    "print this article",
    "print this story",
    "print article",
    "print version",
    "printer-friendly version",
    "printer friendly version",
    "printable version",
    "печать",
    "распечатать",
    "напечатать",
    "версия для печати",
    "печатная версия",
    "друк",
    "роздрукувати",
    "версія для друку",
    "çap et",
    "çap",
    "çap versiyası",
    "yazdır",
    "haberi yazdır",
    "drucken",
    "druckversion",
    "artikel drucken",
    "seite drucken",
    "imprimer",
    "version imprimable",
    "imprimir",
    "versión para imprimir",
    "drukuj",
    "wersja do druku",
    "print recipe",
    "rezept drucken",
    "imprimir receta",
    "imprimer la recette",
    "stampa",
    "stampa ricetta",
];

/// Labels of the buttons that save or pin a story or a recipe, which recipe plugins set
/// beside the print button ("Rezept drucken Bei Pinterest speichern"), as whole lines.
const SAVE_LABELS: &[&str] = &[
    "pin",
    "pin it",
    "pin recipe",
    "pin this recipe",
    "save recipe",
    "save this recipe",
    "rezept speichern",
    "merken",
    "guardar receta",
    "enregistrer la recette",
    "сохранить рецепт",
];

/// Save buttons that open with a common word ("Bei Pinterest speichern"): read only after
/// another button in a row, so that lines opening with "bei" or "auf" are not all asked
/// whether they are tools.
const SAVE_ROW_LABELS: &[&str] = &["bei pinterest speichern", "auf pinterest merken"];

/// Most buttons read in one row of them.
const MAX_BUTTONS_IN_ROW: usize = 8;

/// A row of two or more of the story's buttons and nothing else ("Rezept drucken Bei
/// Pinterest speichern", "Print Pin", "Bild anzeigen Bild schließen"): each step takes the longest button label that opens
/// what is left, at a word's end. `bare` is the lower-cased line without the punctuation
/// around it.
fn is_button_row(bare: &str) -> bool {
    let labels = || {
        PRINT_LABELS
            .iter()
            .chain(SAVE_LABELS)
            .chain(SAVE_ROW_LABELS)
            .chain(LIKE_LABELS)
            .chain(COPY_LABELS)
            .chain(SEND_LABELS)
            .chain(EXPAND_LABELS)
    };
    let mut rest = bare;
    let mut buttons = 0;
    while !rest.is_empty() {
        let Some(after) = labels()
            .filter_map(|label| after_words(rest, label))
            .min_by_key(|after| after.len())
        else {
            return false;
        };
        rest = after.trim_start_matches(|c: char| !c.is_alphanumeric());
        buttons += 1;
        if buttons > MAX_BUTTONS_IN_ROW {
            return false;
        }
    }
    buttons >= 2
}

/// Calls to rate a story that open a rating widget's line ("Оцените материал: 1 2 3 4 5",
/// "Rate this article ★★★★★", "Xəbəri qiymətləndirin"): after the call the line holds
/// only stars, figures and a count of votes.
const RATING_CALLS: &[&str] = &[
    "оцените",
    "оцените материал",
    "оцените статью",
    "оцените новость",
    "оцените публикацию",
    "оцените эту статью",
    "оцініть",
    "оцініть матеріал",
    "оцініть статтю",
    "оцініть новину",
    "xəbəri qiymətləndirin",
    "məqaləni qiymətləndirin",
    "qiymətləndirin",
    "haberi değerlendirin",
    "değerlendirin",
    "rate this",
    "rate this article",
    "rate this story",
    "rate this post",
    "rate this page",
    "rate this item",
    "rate it",
    "artikel bewerten",
    "beitrag bewerten",
    "bewerten sie diesen artikel",
    "évaluez cet article",
    "noter cet article",
    "valora este artículo",
    "califica este artículo",
    "oceń artykuł",
];

/// Labels of a rating widget's score ("Рейтинг: 4.5 (12 голосов)", "Rating: 4.5/5 (12
/// votes)"): readers' votes are counted beside it, which a review's own verdict ("Rating:
/// 4/5") does not do.
const RATING_LABELS: &[&str] = &[
    "рейтинг",
    "рейтинг статьи",
    "рейтинг материала",
    "средняя оценка",
    "оценка",
    "рейтинг новости",
    "reytinq",
    "puan",
    "rating",
    "average rating",
    "user rating",
    "bewertung",
    "valoración",
    "ocena",
];

/// The words a count of votes ends with, beside a rating widget's figures.
const RATING_VOTE_WORDS: &[&str] = &[
    "голос",
    "голоса",
    "голосов",
    "оценок",
    "оценки",
    "оценка",
    "голосів",
    "səs",
    "oy",
    "vote",
    "votes",
    "ratings",
    "rating",
    "stimmen",
    "bewertungen",
    "votos",
    "głosów",
    "всего",
    "total",
];

/// The labels of share buttons ("Поделиться:", "Share this article"), compared with the
/// start of a line.
const SHARE_LABELS: &[&str] = &[
    "share",
    "share this",
    "share this article",
    "share this story",
    "share this post",
    "share on",
    "поделиться",
    "поделиться новостью",
    "поделитесь",
    "поділитися",
    "paylaş",
    "paylaşın",
    "xəbəri paylaş",
    "haberi paylaş",
    "teilen",
    "artikel teilen",
    "partager",
    "compartir",
    "udostępnij",
    "share via",
    "other ways to share",
    "more ways to share",
    // the site's own accounts, over the networks' names
    "мы в соцсетях",
    "мы в социальных сетях",
    "наши соцсети",
    "sosial şəbəkələrdə biz",
    "biz sosial şəbəkələrdə",
    "sosyal medyada biz",
];

/// Names on share buttons besides the channels' ([`CHANNEL_NAMES`]): mail, bookmarking
/// services, the link itself, and the parts such names split into ("e-mail", "ok.ru").
const SHARE_BUTTON_WORDS: &[&str] = &[
    // "Share this via X", "Share on Facebook", "Поделиться в Telegram"
    "via",
    "on",
    "в",
    "email",
    "e",
    "mail",
    "ok",
    "ru",
    "pinterest",
    "reddit",
    "tumblr",
    "pocket",
    "flipboard",
    "xing",
    "skype",
    "messenger",
    "sms",
    "livejournal",
    "жж",
    "copy",
    "link",
    "print",
    "почта",
];

/// Labels of the button that sends the story by e-mail, as whole lines or in a row of
/// buttons ("E-mail this story | Printer-friendly version").
const SEND_LABELS: &[&str] = &[
    "email this story",
    "e-mail this story",
    "email this article",
    "e-mail this article",
    "email this page",
    "e-mail this page",
    "email to a friend",
    "e-mail to a friend",
    "send to a friend",
    "отправить другу",
    "отправить по почте",
    "artikel versenden",
    "artikel per e-mail versenden",
    "envoyer à un ami",
    "envoyer par e-mail",
    "enviar por correo",
    "enviar por email",
    "invia per email",
    "wyślij znajomemu",
];

/// Labels of the button that copies the story's link, and what it says once pressed, as
/// whole lines ("Copy link", "Link copied!", "Ссылка скопирована").
const COPY_LABELS: &[&str] = &[
    "copy link",
    "copy the link",
    "link copied",
    "copied",
    "copied to clipboard",
    "скопировать ссылку",
    "ссылка скопирована",
    "скопировано",
    "копировать ссылку",
    "скопіювати посилання",
    "посилання скопійовано",
    "linki kopyala",
    "link kopyalandı",
    "keçidi kopyala",
    "keçid kopyalandı",
    "kopyalandı",
    "link kopieren",
    "link kopiert",
    "copier le lien",
    "lien copié",
    "copiar enlace",
    "enlace copiado",
];

/// Labels of a like or bookmark button, as whole lines (WordPress prints "Like this:" over
/// "Like Loading…" under every post; "Добавить в избранное").
const LIKE_LABELS: &[&str] = &[
    "добавить в избранное",
    "в избранное",
    "добавить в закладки",
    "в закладки",
    "seçilmişlərə əlavə et",
    "favorilere ekle",
    "add to favorites",
    "add to favourites",
    "bookmark this",
    "save for later",
    "zu favoriten hinzufügen",
    "like this",
    "like loading",
    "нравится",
    "мне нравится",
    "bəyən",
    "bəyənirəm",
    "beğen",
    "gefällt mir",
    "j'aime",
    "me gusta",
];

/// Labels of buttons that show more or less of the page, or a picture at full size
/// ("Click to expand", "Показать полностью", "Daha çox göstər", "Bild anzeigen"), as
/// whole lines.
const EXPAND_LABELS: &[&str] = &[
    "click to expand",
    "click to enlarge",
    "tap to expand",
    "tap to enlarge",
    "show more",
    "show less",
    "expand",
    "collapse",
    "развернуть",
    "свернуть",
    "показать полностью",
    "показать ещё",
    "показать еще",
    "нажмите, чтобы увеличить",
    "розгорнути",
    "показати більше",
    "daha çox göstər",
    "tam göstər",
    "devamını göster",
    "daha fazla göster",
    "mehr anzeigen",
    "afficher plus",
    "ver más",
    "view image",
    "show image",
    "view larger image",
    "view full size",
    "enlarge image",
    "bild anzeigen",
    "bild vergrößern",
    "bild schließen",
    "hide image",
    "close image",
    "увеличить фото",
    "увеличить изображение",
    "открыть фото",
    "şəkli böyüt",
    "agrandir l'image",
    "ampliar imagen",
];

/// Longest line that links to the story before or after, in characters: its label and
/// the other story's headline.
const NEIGHBOUR_LINE_MAX_CHARS: usize = 200;

/// Labels of a text-size control ("Размер шрифта: A A A", "Font size: A- A+").
const FONT_SIZE_LABELS: &[&str] = &[
    "размер шрифта",
    "шрифт",
    "розмір шрифту",
    "şrift",
    "şriftin ölçüsü",
    "yazı boyutu",
    "font size",
    "text size",
    "schriftgröße",
    "taille du texte",
    "tamaño de letra",
];

/// The buttons of a text-size control: the letter A (Latin or Cyrillic), bare or with a
/// plus or minus.
const FONT_SIZE_BUTTONS: &[&str] = &[
    "a", "а", "a+", "a-", "а+", "а-", "a−", "а−", "+", "-", "−", "aa", "аа",
];

/// Openings of a line that offers the story in another language ("This post is also
/// available in: Русский", "Read in English", "Читать на азербайджанском"), before the
/// languages' names.
const OTHER_LANGUAGE_OPENINGS: &[&str] = &[
    "this post is also available in",
    "this article is also available in",
    "this page is also available in",
    "this story is also available in",
    "this statement is also available in",
    "this report is also available in",
    "this document is also available in",
    "this release is also available in",
    "also available in",
    "available in",
    "read in",
    "read this in",
    "read this article in",
    "read this story in",
    "эта запись также доступна на",
    "эта статья также доступна на",
    "эта страница также доступна на",
    "также доступно на",
    "читать на",
    "читайте на",
    "читать по",
    "читати",
    "читайте",
    "bu yazı ayrıca",
];

/// Endings of that line in Azerbaijani and Turkish, after the languages' names ("Rus
/// dilində oxu", "İngilizce oku").
const OTHER_LANGUAGE_ENDINGS: &[&str] = &[
    "dilində oxu",
    "dilində oxuyun",
    "dilində",
    "oxu",
    "oku",
    "olarak oku",
];

/// Names of languages as such lines and language switchers print them: English, Russian
/// and native names, and the forms the openings above take ("на русском", "по-русски",
/// "українською", "rus dilində").
const LANGUAGE_NAMES: &[&str] = &[
    "english",
    "russian",
    "azerbaijani",
    "azeri",
    "turkish",
    "ukrainian",
    "georgian",
    "armenian",
    "german",
    "french",
    "spanish",
    "kazakh",
    "kyrgyz",
    "tajik",
    "uzbek",
    "arabic",
    "persian",
    "русский",
    "русском",
    "русски",
    "английский",
    "английском",
    "английски",
    "азербайджанский",
    "азербайджанском",
    "азербайджански",
    "украинский",
    "украинском",
    "грузинском",
    "армянском",
    "турецком",
    "немецком",
    "французском",
    "казахском",
    "українська",
    "українською",
    "російською",
    "англійською",
    "azərbaycan",
    "azərbaycanca",
    "rus",
    "rusca",
    "rusça",
    "ingilis",
    "ingiliscə",
    "ingilizce",
    "türk",
    "türkcə",
    "türkçe",
    "azerice",
    "deutsch",
    "français",
    "español",
    "ქართული",
    "հայերեն",
    "қазақша",
    "кыргызча",
    "o'zbekcha",
    "тоҷикӣ",
];

/// Words that may stand between the languages' names in such a line.
const LANGUAGE_FILLERS: &[&str] = &[
    "языке",
    "language",
    "dili",
    "version",
    "версия",
    "версии",
    "and",
    "и",
    "və",
    "ve",
    "or",
    "или",
    "на",
    "по",
];

/// Fewest names in a line of share buttons without their label ("Facebook Twitter
/// WhatsApp").
const MIN_SHARE_BUTTONS: usize = 2;

/// Longest line that a call to a channel is, in characters.
const CHANNEL_PROMO_MAX_CHARS: usize = 120;

/// A temperature ("+14°C", "−3 °С", "31°"), a wind speed or a rainfall ("8 m/s", "3 м/с").
static WEATHER_FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\d\s?°\s?[cсf]?|\d\s?(?:м/с|m/s|km/h|км/ч|mph|kn|мм рт|mm hg)\b")
        .expect("a valid pattern")
});

/// What only weather prints: a temperature with its sign ("+14°C", "−3 °С", "-2°"), or a
/// wind speed or rainfall. An unsigned temperature is a reading only beside a place's name
/// and a word ("Bakı 12°C, günəşli"); beside more words it is a specification ("Vorlauftemperatur: bis 75 °C
/// ohne Heizstab", "bake at 180 °C").
static WEATHER_ONLY_FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[+\-−–]\s?\d+(?:[.,]\d+)?\s?°|\d\s?(?:м/с|m/s|km/h|км/ч|mph|kn|мм рт|mm hg)\b")
        .expect("a valid pattern")
});

/// Most letter words in a weather informer's line with an unsigned temperature: a place's
/// name, the unit's letter and a word of weather ("Moskau 14 °C, bewölkt").
const UNSIGNED_WEATHER_WORDS: usize = 3;

/// A time of day ("18:40"), as informers and news feeds print it.
static TIME_OF_DAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b").expect("a valid pattern"));

/// A time at the start of a line, then the rest ("18:30 Bakıda sabah güclü külək olacaq").
static LEADING_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[01]?\d|2[0-3]):[0-5]\d\s*[|•·\-–—]?\s*(\S.*)$").expect("a valid pattern")
});

/// A share of the vote ("23%", "41 %", "(23.5%)").
static SHARE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d(?:[.,]\d+)?\s?%").expect("a valid pattern"));

/// Words of a line: runs of letters or digits.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

fn letter_words(text: &str) -> impl Iterator<Item = &str> {
    words(text).filter(|w| w.chars().any(char::is_alphabetic))
}

fn has_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end().ends_with(['.', '!', '?', '…'])
}

/// A short label: a widget's heading, a city's name, an answer of a poll, a table's header.
/// A line with a time of day is a news feed's, not a widget's.
fn is_label(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && !clean::more_chars_than(text, LABEL_MAX_CHARS)
        && letter_words(text).count() <= LABEL_MAX_WORDS
        && !ends_sentence(text)
        && !TIME_OF_DAY.is_match(text)
}

/// A rate as informers print it: a decimal with two or four places, maybe signed or with
/// a currency symbol ("91,17", "1.7000", "+0,3400", "▼0.12", "$78.40", "0.0185"). Three
/// places read as a thousands separator ("20.000 Euro" is a price), unless the whole part
/// is zero.
fn is_rate_figure(token: &str) -> bool {
    let digits = token.trim_start_matches(|c: char| {
        CURRENCY_SYMBOLS.contains(&c) || matches!(c, '+' | '-' | '−' | '▲' | '▼' | '↑' | '↓')
    });
    let digits = digits.trim_end_matches(|c: char| CURRENCY_SYMBOLS.contains(&c) || c == '%');
    let Some((whole, places)) = digits.split_once(['.', ',']) else {
        return false;
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole)
        && whole.len() <= 5
        && all_digits(places)
        && (matches!(places.len(), 2 | 4) || (places.len() == 3 && whole == "0"))
}

/// A line of a rates informer: currency codes, symbols or names, each followed by its rate,
/// and at most a couple of other words ("USD 1.7000", "USD 1.7000 EUR 1.9317 RUB 0.0185",
/// "Курс доллара 91,17", "USD | 91,1700 | +0,3400", "$ 91,17 € 100,73"). A price names its
/// currency after the figure ("293,45 Euro") and is not a rate.
pub fn is_rate_line(text: &str) -> bool {
    if clean::more_chars_than(text, WIDGET_LINE_MAX_CHARS) || !has_digit(text) {
        return false;
    }
    let mut currencies = 0;
    let mut rates = 0;
    let mut others = 0;
    for token in text.split(|c: char| c.is_whitespace() || matches!(c, '|' | '/' | ';' | '·')) {
        let token = token.trim_matches(|c: char| matches!(c, ':' | ',' | '(' | ')' | '—' | '–'));
        if token.is_empty() {
            continue;
        }
        let symbol = token.starts_with(CURRENCY_SYMBOLS);
        if token.contains(|c: char| c.is_ascii_digit()) {
            // A rate counts after its currency: "EUR 100,73", "€100.73", not "100,73 €".
            if is_rate_figure(token) && (currencies > rates || symbol) {
                rates += 1;
                currencies += usize::from(symbol);
            } else if !token.chars().all(|c| !c.is_alphabetic()) {
                others += 1;
            }
            continue;
        }
        if token.chars().all(|c| CURRENCY_SYMBOLS.contains(&c)) {
            currencies += 1;
            continue;
        }
        if token.chars().all(|c| "▲▼↑↓+-−".contains(c)) {
            continue;
        }
        let code = |t: &str| CURRENCY_CODES.contains(&t);
        if code(token)
            || (token.len() == 6 && token.is_ascii() && code(&token[..3]) && code(&token[3..]))
        {
            currencies += 1;
            continue;
        }
        let lower = token.to_lowercase();
        if CURRENCY_STEMS.iter().any(|stem| lower.starts_with(stem)) {
            currencies += 1;
            continue;
        }
        others += 1;
    }
    rates > 0 && others <= RATE_LINE_MAX_OTHER_WORDS
}

/// A line of a weather informer: a temperature or a wind speed and a few words ("Заречье
/// +14°C", "+14°C, облачно, ветер 3 м/с", "Today +31°C, tomorrow +29°C", "Wind: north, 8
/// m/s"). A sentence about a heat wave has more words than an informer.
pub fn is_weather_line(text: &str) -> bool {
    if clean::more_chars_than(text, WIDGET_LINE_MAX_CHARS) || !has_digit(text) {
        return false;
    }
    let words = letter_words(text).count();
    words <= 6
        && WEATHER_FIGURE.is_match(text)
        && (words <= UNSIGNED_WEATHER_WORDS || WEATHER_ONLY_FIGURE.is_match(text))
}

/// A line of a prayer-times informer: prayers' names, each with its time, and nothing else
/// ("Sübh 05:42", "İmsak 05:42 Güneş 07:10 Öğle 12:30"). A sentence that names a prayer
/// has other words.
fn is_prayer_times_line(text: &str) -> bool {
    !clean::more_chars_than(text, WIDGET_LINE_MAX_CHARS)
        && TIME_OF_DAY.is_match(text)
        && letter_words(text).next().is_some()
        && letter_words(text).all(|w| {
            // "İmsak" lower-cases with a combining dot above the i.
            let name = clean::lower_for_lists(w);
            PRAYER_NAMES.contains(&name.as_str())
        })
}

/// Longest visitor counter's line, in characters.
const VISIT_COUNTER_MAX_CHARS: usize = 100;

/// How a hit counter names its reader ("You are visitor number 418,203 since March 2009").
const VISIT_COUNTER_PHRASES: &[&str] = &[
    "you are visitor",
    "visitor number",
    "visitor no.",
    "bezoeker nummer",
    "bezoeker nr",
    "besucher nummer",
    "besucher nr",
    "sie sind besucher",
    "visiteur numéro",
    "visiteur n°",
    "visitante número",
    "visitatore numero",
    "вы посетитель",
    "посетитель №",
    "odwiedzający nr",
    "jesteś gościem nr",
    // Joomla's "who is online" module ("We have 3 guests online", "Abbiamo 3 visitatori
    // online", "Сейчас на сайте 3 гостя")
    "guests online",
    "visitors online",
    "visitatori online",
    "gäste online",
    "invités en ligne",
    "visitantes en línea",
    "invitados en línea",
    "на сайте находятся",
    "сейчас на сайте",
];

/// The hit counter of an old site's sidebar: a short line with a counter's phrase
/// ([`VISIT_COUNTER_PHRASES`]) and its figure. `lower` is `text` lower-cased.
fn is_visit_counter(text: &str, lower: &str) -> bool {
    !clean::more_chars_than(text, VISIT_COUNTER_MAX_CHARS)
        && has_digit(text)
        && VISIT_COUNTER_PHRASES.iter().any(|p| lower.contains(p))
}

/// A line of the counters a portal prints beside a story, alone or between its other
/// short facts ("Просмотров: 1 284", "| Просмотров: 1 284 | admin | Комментариев: 3",
/// "Oxunub: 2317 · 14:20", "1,204 views"): parts split by bars and dots, each of a few
/// words, one of them a counter's name with its figure. A comment counter counts only
/// beside other parts: alone on its line ("32 Kommentare") it is the label that opens the
/// comment section, which the tail's trim cuts at. `lower` is `text` lower-cased. A
/// sentence about views ("The video had 2 million views by Friday.") has a part longer than
/// a counter's, and a figure with a counter's name and no more than one other word is
/// never prose.
fn is_counter_line(text: &str, lower: &str) -> bool {
    if clean::more_chars_than(text, COUNTER_LINE_MAX_CHARS)
        || !has_digit(text)
        || letter_words(lower).nth(COUNTER_LINE_MAX_WORDS).is_some()
    {
        return false;
    }
    let parts: Vec<&str> = lower
        .split(['|', '·', '•'])
        .filter(|part| part.chars().any(char::is_alphanumeric))
        .collect();
    let mut counter = false;
    for part in &parts {
        let mut words = 0;
        let mut views = false;
        let mut comments = false;
        let mut reading = false;
        let mut minutes = false;
        for w in letter_words(part) {
            words += 1;
            views |= VIEW_COUNTER_STEMS.iter().any(|stem| w.starts_with(stem));
            comments |= clean::COMMENT_STEMS.iter().any(|stem| w.starts_with(stem));
            reading |= READING_STEMS.iter().any(|stem| w.starts_with(stem));
            minutes |= MINUTE_STEMS.iter().any(|stem| w.starts_with(stem));
        }
        if words > COUNTER_PART_MAX_WORDS || (ends_sentence(part) && words > 2) {
            return false;
        }
        let reading_time = words <= 3 && reading && minutes;
        counter |= has_digit(part)
            && ((words <= 2 && (views || (comments && parts.len() > 1))) || reading_time);
    }
    counter
}

/// An advertisement's marking inside the story: the label of an ad slot on its own line
/// ("Реклама", "Advertisement"), or the advertiser's line that Russian law asks of every
/// ad, with the token of its registration ("Реклама. ООО «…», ИНН 5902123456, erid:
/// 2VtzqxYbT7a"). `lower` is `text` lower-cased. A story about advertising says more than
/// a label, and no sentence carries an `erid` token.
fn is_ad_marking(text: &str, lower: &str) -> bool {
    if clean::more_chars_than(text, AD_MARKING_MAX_CHARS) {
        return false;
    }
    // Words only: the slot's label may join its parts with any mark ("Advertisement ·
    // Scroll to continue", "Advertisement - Scroll to continue"). Every short block of
    // every story is asked: only a line as short as a label is compared word by word.
    let words = || {
        lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
    };
    let is_label = lower.len() <= AD_LABEL_MAX_BYTES
        && AD_LABELS.iter().any(|label| words().eq(label.split(' ')));
    if is_label || is_affiliate_disclosure(lower) {
        return true;
    }
    // "erid: 2VtzqxYbT7a", "erid 2Vtzqx…", "?erid=…": the word, then a token of eight
    // or more letters and digits.
    let mut tokens = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty());
    while let Some(token) = tokens.next() {
        if token == "erid" {
            return tokens.next().is_some_and(|id| {
                id.chars().count() >= 8 && id.chars().any(|c| c.is_ascii_digit())
            });
        }
    }
    false
}

/// Names of links that pay the site when a reader buys ("affiliate links", "Partnerlinks").
const AFFILIATE_LINK_NAMES: &[&str] = &[
    "affiliate link",
    "affiliate-link",
    "affiliatelink",
    "partnerlink",
    "partner-link",
    "amazon associate",
    "enlaces de afiliados",
    "liens affiliés",
    "link di affiliazione",
    // the publisher's part in such programmes ("Pantalla y Cable participa en programas de
    // afiliación y puede recibir una comisión")
    "affiliate programs",
    "affiliate programmes",
    "programas de afiliación",
    "programas de afiliados",
    "programmes d'affiliation",
    "programmi di affiliazione",
];

/// [`AFFILIATE_LINK_NAMES`] and "commission", as one searcher.
static AFFILIATE_SEARCHER: LazyLock<Regex> = LazyLock::new(|| {
    let phrases: Vec<String> = AFFILIATE_LINK_NAMES
        .iter()
        .chain(&["commission"])
        .map(|p| regex::escape(p))
        .collect();
    Regex::new(&phrases.join("|")).expect("escaped literals form a valid pattern")
});

/// What a reader does for the site to earn its commission ("when you buy through links on
/// our site", "qualifying purchases").
const COMMISSION_PURCHASES: &[&str] = &[
    "when you buy",
    "if you buy",
    "if you click",
    "through links",
    "through our links",
    "via links",
    "from links",
    "purchases made",
    "qualifying purchases",
    "you make a purchase",
];

/// A publisher's disclosure that its links pay it: "StarWatch may receive a commission when
/// you buy through links on our site", "Bei den Verlinkungen handelt es sich um Affiliate
/// Links". `lower` is a short line, lower-cased; a story about commissions names no
/// purchase through links.
fn is_affiliate_disclosure(lower: &str) -> bool {
    // One search finds any of the names or the word "commission": the test runs on every
    // short paragraph of every story. A name anywhere decides, whatever stands before it.
    let mut commission = false;
    for found in AFFILIATE_SEARCHER.find_iter(lower) {
        if found.as_str() != "commission" {
            return true;
        }
        commission = true;
    }
    commission
        && lower.contains("link")
        && COMMISSION_PURCHASES
            .iter()
            .any(|phrase| lower.contains(phrase))
}

/// Whether `text` holds a phone number: a run of digits, spaces, dashes and
/// brackets, maybe opened by "+", with 7 to 15 digits ("0 800 800 228",
/// "+7 (423) 230-11-58", "(012) 555-01-02").
fn holds_phone_number(text: &str) -> bool {
    let mut digits = 0;
    for c in text.chars().chain(['\n']) {
        match c {
            '0'..='9' => digits += 1,
            ' ' | '\u{a0}' | '-' | '(' | ')' | '+' => {}
            _ => {
                if (PHONE_MIN_DIGITS..=PHONE_MAX_DIGITS).contains(&digits) {
                    return true;
                }
                digits = 0;
            }
        }
    }
    false
}

/// A short line that gives phone numbers with a few words around them ("Сообщите о
/// нарушении: 0 800 800 228 (бесплатно), WhatsApp +996 555 120 228"): beside a
/// hotline's name, the rest of its box.
pub(super) fn is_phone_line(text: &str) -> bool {
    !clean::more_chars_than(text, PHONE_LINE_MAX_CHARS)
        && holds_phone_number(text)
        && letter_words(text).count() <= PHONE_LINE_MAX_WORDS
}

/// Whether `lower` (lower-cased) names a hotline ([`HOTLINE_NAMES`]).
fn names_hotline(lower: &str) -> bool {
    HOTLINE_NAMES.iter().any(|name| lower.contains(name))
}

/// Whether a word of `lower` (lower-cased) names a widget.
fn names_widget(lower: &str) -> bool {
    letter_words(lower).any(|w| WIDGET_HEADING_WORDS.contains(&w))
}

/// A call to follow the site on a messenger or a social network, wherever it stands in the
/// story: a short line with a channel's name and a call to the reader ("Читайте нас в
/// Telegram и Дзен", "Подписывайтесь на наш канал в Дзен", "Bizi Telegram-da izləyin",
/// "Follow us on X"). `lower` is `text` lower-cased. "Он написал об этом в Telegram" has no
/// call; a paragraph that quotes a call is longer.
fn is_channel_promo(text: &str, lower: &str) -> bool {
    if clean::more_chars_than(text, CHANNEL_PROMO_MAX_CHARS) {
        return false;
    }
    // Most lines name no channel: they are passed over before the calls are looked for.
    if !letter_words(lower).any(|w| CHANNEL_NAMES.contains(&w)) {
        return false;
    }
    let mut call = false;
    let mut english_verb = false;
    let mut german_verb = false;
    let mut ours = false;
    let mut ours_de = false;
    let mut own_word = false;
    // "Мы в Telegram", "Ми в Telegram: @…": the site's own presence, a line of a few words
    // that opens so; a sentence that opens so goes on ("Мы в Telegram писали об этом …").
    let mut we_are_in = [false; 3];
    let mut words = 0;
    for (k, w) in letter_words(lower).enumerate() {
        words = k + 1;
        match k {
            0 => we_are_in[0] = matches!(w, "мы" | "ми"),
            1 => we_are_in[1] = we_are_in[0] && matches!(w, "в" | "у" | "на"),
            2 => we_are_in[2] = we_are_in[1] && CHANNEL_NAMES.contains(&w),
            _ => {}
        }
        call |= CHANNEL_CALL_WORDS.contains(&w);
        if CHANNEL_CALL_VERBS_EN.contains(&w) {
            english_verb = true;
            call |= k == 0;
        }
        german_verb |= CHANNEL_CALL_VERBS_DE.contains(&w);
        ours |= w == "us" || w == "our";
        ours_de |= w == "uns" || w.starts_with("unser");
        // "Все новости — в нашем Telegram-канале @…", "bizim Telegram kanalı": the site
        // names its own channel, with or without a verb. A report names someone else's
        // ("в своём Telegram-канале"), or "our" stands for people ("Наш корреспондент").
        call |= own_word && CHANNEL_NAMES.contains(&w);
        own_word = w.starts_with("наш") || w == "bizim";
    }
    call || (english_verb && ours) || (german_verb && ours_de) || (we_are_in[2] && words <= 6)
}

/// Longest line read as a call to write to the newsroom, in characters.
const NEWSROOM_CALL_MAX_CHARS: usize = 160;

/// Mailboxes for readers' tips and corrections, as the part of an address before "@": a
/// short line that gives one is the site's call ("Tipsa redaktionen: tips@…").
const TIP_MAILBOXES: &[&str] = &[
    "tips",
    "tip",
    "newstips",
    "newstip",
    "corrections",
    "correction",
];

/// Mailboxes of a newsroom ("redakcja@…", "newsroom@…"): a short line that gives one is
/// the site's call when it opens with a question ("Masz temat? Napisz do nas: redakcja@…").
/// A blog's "oder via Email an redaktion@… bestellen" is its own text. "info" and "press"
/// are left out: an organisation's release ends with its press contact.
const NEWSROOM_MAILBOXES: &[&str] = &[
    "newsroom",
    "newsdesk",
    "desk",
    "letters",
    "leserbriefe",
    "redaktion",
    "redaction",
    "redaccion",
    "redazione",
    "redactie",
    "redakcja",
    "redakce",
    "redakcia",
    "redakciya",
    "redaktsiya",
    "redaksiya",
    "redakcija",
    "redaksjon",
];

/// Most words of the question a call to the newsroom opens with ("Masz temat?", "Got a
/// story?", "Have you got a story for us?").
const NEWSROOM_QUESTION_MAX_WORDS: usize = 7;

/// The newsroom by name, in a call to phone it ("Have you got a story for us? Call the
/// newsdesk on 01239 555 010").
const NEWSDESK_NAMES: &[&str] = &["newsdesk", "news desk"];

/// A short line that asks readers to write to the newsroom at its own address
/// ([`TIP_MAILBOXES`], [`NEWSROOM_MAILBOXES`]) or to phone it ([`NEWSDESK_NAMES`]): the
/// site's call, wherever it stands in a story. `lower` is `text` lower-cased. A story that
/// quotes an address gives a person's or an organisation's, or is longer.
fn is_newsroom_call(text: &str, lower: &str) -> bool {
    if clean::more_chars_than(text, NEWSROOM_CALL_MAX_CHARS) {
        return false;
    }
    let asks = || {
        lower.split_once('?').is_some_and(|(question, _)| {
            (1..=NEWSROOM_QUESTION_MAX_WORDS).contains(&letter_words(question).count())
        })
    };
    if NEWSDESK_NAMES.iter().any(|name| lower.contains(name)) && has_digit(lower) && asks() {
        return true;
    }
    lower.match_indices('@').any(|(at, _)| {
        let mailbox_start = lower[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
            .map_or(0, |(k, c)| k + c.len_utf8());
        let domain = lower[at + 1..]
            .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-')))
            .next()
            .unwrap_or("");
        let mailbox = &lower[mailbox_start..at];
        domain.trim_end_matches('.').contains('.')
            && (TIP_MAILBOXES.contains(&mailbox)
                || (NEWSROOM_MAILBOXES.contains(&mailbox) && asks()))
    })
}

/// The rest of `lower` after `prefix` when the prefix ends at a word's end.
fn after_words<'a>(lower: &'a str, prefix: &str) -> Option<&'a str> {
    lower
        .strip_prefix(prefix)
        .filter(|rest| !rest.starts_with(char::is_alphanumeric))
}

/// A line of a story's tools, which portals print under or over it: the print, like and
/// expand buttons ("Версия для печати", "Çap et", "Like this:", "Click to expand"), the
/// rating widget ("Оцените материал: 1 2 3 4 5",
/// "Rating: 4.5/5 (12 votes)") and the share buttons ("Поделиться: ВКонтакте
/// Одноклассники Telegram", "Share", "Facebook Twitter WhatsApp"). `lower` is `text`
/// lower-cased. Each test takes the whole line: a sentence that asks readers to rate or
/// share something, or names the networks, has words these lines do not.
fn is_tool_line(text: &str, lower: &str) -> bool {
    if clean::more_chars_than(text, TOOL_LINE_MAX_CHARS) {
        return false;
    }
    let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
    if PRINT_LABELS.contains(&bare)
        || LIKE_LABELS.contains(&bare)
        || COPY_LABELS.contains(&bare)
        || SEND_LABELS.contains(&bare)
        || SAVE_LABELS.contains(&bare)
        || EXPAND_LABELS.contains(&bare)
        || is_button_row(bare)
        || is_font_size_control(lower)
        || offers_other_language(bare)
    {
        return true;
    }
    let only_votes = |rest: &str| letter_words(rest).all(|w| RATING_VOTE_WORDS.contains(&w));
    if RATING_CALLS
        .iter()
        .any(|call| after_words(bare, call).is_some_and(only_votes))
    {
        return true;
    }
    let counted_score = |rest: &str| {
        let rest = rest.trim_start();
        rest.starts_with(':')
            && has_digit(rest)
            && letter_words(rest).next().is_some()
            && only_votes(rest)
    };
    if RATING_LABELS
        .iter()
        .any(|label| after_words(bare, label).is_some_and(counted_score))
    {
        return true;
    }
    let button = |w: &str| CHANNEL_NAMES.contains(&w) || SHARE_BUTTON_WORDS.contains(&w);
    if SHARE_LABELS
        .iter()
        .any(|label| after_words(bare, label).is_some_and(|rest| letter_words(rest).all(button)))
    {
        return true;
    }
    // Without the label: the networks' own names ("Telegram-канал" is one channel).
    let network = |w: &&str| {
        CHANNEL_NAMES.contains(w)
            && !["канал", "channel", "kanal"]
                .iter()
                .any(|n| w.starts_with(n))
    };
    !ends_sentence(text)
        && letter_words(lower).all(button)
        && letter_words(lower)
            .filter(network)
            .nth(MIN_SHARE_BUTTONS - 1)
            .is_some()
}

/// A text-size control: two or more A buttons ("A A A", "A- A+"), after its label at
/// most ("Размер шрифта: A A A"). `lower` is the line lower-cased.
fn is_font_size_control(lower: &str) -> bool {
    let lower = lower.trim();
    let buttons = FONT_SIZE_LABELS
        .iter()
        .find_map(|label| after_words(lower, label))
        .map_or(lower, |rest| rest.trim_start().trim_start_matches(':'));
    let mut count = 0;
    for token in buttons.split_whitespace() {
        if !FONT_SIZE_BUTTONS.contains(&token) {
            return false;
        }
        count += 1;
    }
    count >= 2
}

/// A line that offers the story in another language, or a switcher of languages: an
/// opening ("Read in", "This post is also available in:", "Читать на") or an ending
/// ("dilində oxu", "oku") around nothing but languages' names, or two or more names
/// alone ("Русский Azərbaycan English"). `bare` is the line lower-cased without the
/// punctuation around it.
fn offers_other_language(bare: &str) -> bool {
    // How many languages' names the words are, when they are nothing else.
    let only_names = |words: &str| -> usize {
        let mut names = 0;
        for w in letter_words(words) {
            if LANGUAGE_NAMES.contains(&w) {
                names += 1;
            } else if !LANGUAGE_FILLERS.contains(&w) {
                return 0;
            }
        }
        names
    };
    OTHER_LANGUAGE_OPENINGS
        .iter()
        .filter_map(|opening| after_words(bare, opening))
        .chain(
            OTHER_LANGUAGE_ENDINGS
                .iter()
                .filter_map(|ending| bare.strip_suffix(ending))
                .filter(|rest| rest.ends_with(char::is_whitespace)),
        )
        .any(|names| only_names(names) >= 1)
        || only_names(bare) >= 2
}

/// The first word of a lower-cased line: its first run of letters and digits.
fn first_word(lower: &str) -> &str {
    words(lower).next().unwrap_or("")
}

/// The first words of every label, name and opening that a story's tool line or a link to
/// its neighbour starts with. Every short block of every page is asked whether it is one,
/// and most are not: a first word outside this set answers with one lookup instead of a
/// hundred prefix tests.
static TOOL_FIRST_WORDS: LazyLock<HashSet<&'static str, foldhash::fast::RandomState>> =
    LazyLock::new(|| {
        [
            PRINT_LABELS,
            LIKE_LABELS,
            COPY_LABELS,
            SEND_LABELS,
            SAVE_LABELS,
            EXPAND_LABELS,
            FONT_SIZE_LABELS,
            FONT_SIZE_BUTTONS,
            OTHER_LANGUAGE_OPENINGS,
            LANGUAGE_NAMES,
            RATING_CALLS,
            RATING_LABELS,
            SHARE_LABELS,
            CHANNEL_NAMES,
            SHARE_BUTTON_WORDS,
            clean::NEIGHBOUR_LABELS,
        ]
        .into_iter()
        .flatten()
        .map(|label| first_word(label))
        .collect()
    });

/// A line of the story's tools ([`is_tool_line`]), a link to the story before or after
/// it ([`is_neighbour_link`]), the frame around an embedded post ([`is_embed_frame`]) or
/// the publisher's notice about the story ([`is_publisher_notice`]).
fn is_story_tool(text: &str, lower: &str) -> bool {
    (TOOL_FIRST_WORDS.contains(first_word(lower))
        && (is_tool_line(text, lower) || is_neighbour_link(text, lower)))
        || is_embed_frame(text, lower)
        || is_publisher_notice(text, lower)
        || is_author_bio(text)
}

/// Longest line about the story's author, in characters.
const AUTHOR_BIO_MAX_CHARS: usize = 160;

/// What a journalist is, in the line that introduces the story's author.
const JOURNALIST_ROLES: &[&str] = &[
    "writer",
    "reporter",
    "correspondent",
    "editor",
    "columnist",
    "journalist",
    "contributor",
];

/// The one-sentence line about the story's author that English news puts under it
/// ("Desmond Achebe-Larkin is a senior film writer at Marquee Weekly.", "Perry Bacon Jr. is
/// a senior writer for FiveThirtyEight."): a name of two to four capitalised words, "is a"
/// or "is an", at most three more words, a journalist's role, then "at", "for" or "with" the
/// outlet. A story's sentence about someone else's job names another role, or goes on.
fn is_author_bio(text: &str) -> bool {
    // Every short block of every story is asked: most lack " is a" and cost one scan.
    if clean::more_chars_than(text, AUTHOR_BIO_MAX_CHARS)
        || !text.trim_end().ends_with('.')
        || !text.contains(" is a")
    {
        return false;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some(verb) = words.iter().position(|w| *w == "is") else {
        return false;
    };
    let named = (2..=4).contains(&verb)
        && words[..verb]
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    if !named || !matches!(words.get(verb + 1), Some(&"a" | &"an")) {
        return false;
    }
    let rest = &words[verb + 2..];
    let role_at_outlet = rest.iter().take(4).enumerate().any(|(k, w)| {
        JOURNALIST_ROLES.contains(&w.trim_end_matches([',', '.']))
            && matches!(rest.get(k + 1), Some(&"at" | &"for" | &"with"))
    });
    role_at_outlet && sentence_count(text) == 1
}

/// How many sentences `text` holds, by its full stops before a space and a capital.
fn sentence_count(text: &str) -> usize {
    1 + text
        .match_indices(". ")
        .filter(|(at, _)| {
            text[at + 2..]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
                && !text[..*at].ends_with(|c: char| c.is_uppercase())
        })
        .count()
}

/// Longest publisher's notice, in characters: a sentence or two.
const PUBLISHER_NOTICE_MAX_CHARS: usize = 200;

/// What a publisher says about the story rather than in it, in its own sentence (besides a
/// gate's prompt, [`GATE_PROMPTS`]): the terms of reuse ("You may republish this article for free under a Creative Commons
/// license"), a health site's disclaimer ("… is not a substitute for professional medical
/// advice, diagnosis or treatment") and its reviewer's credit ("Medically reviewed by Dr.
/// …"), and who may comment ("You must be logged in to post a comment", "Добавлять
/// комментарии могут только зарегистрированные пользователи"). A story that reports on
/// republishing, medical advice or comments says more than the phrase.
const PUBLISHER_NOTICES: &[&str] = &[
    "republish this article",
    "republish this story",
    "republish our articles",
    "under a creative commons license",
    "substitute for professional medical advice",
    "not intended as medical advice",
    "logged in to post a comment",
    "logged in to comment",
    "only registered users can",
    "могут только зарегистрированные",
    "можуть лише зареєстровані",
    "şərh yazmaq üçün",
    "um kommentieren zu können",
    // when a reference page was last checked ("This page was last reviewed on 12 January
    // 2024", "Page last reviewed: 12/01/2024")
    "page was last reviewed",
    "page last reviewed",
    "content last reviewed",
    // a story carried over from the paper's archive ("Esta noticia procede de nuestra
    // hemeroteca y puede contener errores de formato")
    "de nuestra hemeroteca",
    "contain formatting errors",
    "contener errores de formato",
    // a wire's or a paper's rights line under the story ("This material may not be
    // published, broadcast, rewritten or redistributed.")
    "rewritten or redistributed",
    // a multilingual plugin's stand-in for a missing translation ("Sorry, this entry is
    // only available in Georgian", "Эта запись доступна только на грузинском языке")
    "entry is only available in",
    "запись доступна только на",
    "запис доступний лише",
    "запис доступний тільки",
    // the print edition's note ("A version of this article appears in print on Jan. 14,
    // 2025, Section B, Page 11 …")
    "appears in print on",
    "appeared in print on",
    // the paper's distance from a column's opinions ("Мнения авторов рубрики могут не
    // совпадать с позицией редакции", "Redaksiyanın mövqeyi müəllifin fikirləri ilə
    // üst-üstə düşməyə bilər", "… do not necessarily reflect the views of …")
    "не совпадать с позицией редакции",
    "не совпадать с мнением редакции",
    "не збігатися з позицією редакції",
    "не збігатися з думкою редакції",
    "üst-üstə düşməyə bilər",
    "do not necessarily reflect",
    "does not necessarily reflect",
    // and from its readers' ("Názory čtenářů nevyjadřují stanovisko redakce", "التعليقات
    // المنشورة تعبر عن آراء أصحابها ولا تعبر بالضرورة عن رأي الصحيفة"), and its disclaimer
    // over what it reprints ("免责声明：本网转载其他媒体之稿件…")
    "nevyjadřují stanovisko redakce",
    "nemusí vyjadřovat stanovisko redakce",
    "nie odzwierciedlają stanowiska redakcji",
    "لا تعبر بالضرورة عن",
    "免责声明",
    "免責聲明",
    // the label Russian law puts on a foreign agent's material ("Материал произведён и
    // (или) распространён иностранным агентом …")
    "(или) распространен",
    "(или) распространён",
    "(или) распространено",
    "(или) распространены",
    // a blog's line about its comments' feed ("You can follow any responses to this entry
    // through the RSS 2.0 feed", "Puoi seguire i commenti a questo articolo tramite il feed")
    "responses to this entry through",
    "commenti a questo articolo tramite",
    // DataLife Engine's line under a story closed to guests ("Посетители, находящиеся в
    // группе Гости, не могут оставлять комментарии к данной публикации.")
    "не могут оставлять комментарии к данной публикации",
    "не можуть залишати коментарі до цієї публікації",
    "cannot leave comments on this publication",
    // and its line to a guest ("Уважаемый посетитель, Вы зашли на сайт как
    // незарегистрированный пользователь.", "Hörmətli ziyarətçi, siz sayta qeydiyyatdan
    // keçməmiş istifadəçi kimi daxil olmusunuz.")
    "как незарегистрированный пользователь",
    "як незареєстрований користувач",
    "qeydiyyatdan keçməmiş istifadəçi kimi",
    "as an unregistered user",
    // a reference page's feedback question over its Yes / No buttons ("Was this page
    // helpful?", "Oliko sivun tieto hyödyllistä?")
    "was this page helpful",
    "was this information helpful",
    "was this article helpful",
    "war diese seite hilfreich",
    "war dieser artikel hilfreich",
    "waren diese informationen hilfreich",
    "oliko sivun tieto hyödyllistä",
    "oliko tästä sivusta apua",
    "var denna sida till hjälp",
    "var informationen till hjälp",
    "var denne siden nyttig",
    "var siden nyttig",
    "was deze pagina nuttig",
    "was deze informatie nuttig",
    "cette page vous a-t-elle été utile",
    "cette information vous a-t-elle été utile",
    "questa pagina ti è stata utile",
    "le ha resultado útil esta página",
    "te ha resultado útil esta página",
    "esta página foi útil",
    "czy ta strona była pomocna",
    "czy informacje były pomocne",
    "byla tato stránka užitečná",
    "была ли эта информация полезной",
    "была ли эта страница полезной",
    "чи була ця інформація корисною",
    "bu məlumat faydalı oldu",
    "bu sayfa yardımcı oldu mu",
    "bu bilgi faydalı oldu mu",
    // phpBB's stamp of a post's last edit ("Last edited by Mihai on 21.01.10, edited 1 time
    // in total.")
    "edited 1 time in total",
];

/// A gate's prompt, after the reader's step it asks for ([`GATE_STEPS`]).
const GATE_PROMPTS: &[&str] = &["to keep reading", "to continue reading"];

/// The first word of a gate's prompt: "Register to keep reading", "Log in to continue
/// reading".
const GATE_STEPS: &[&str] = &[
    "register",
    "subscribe",
    "sign",
    "log",
    "login",
    "signup",
    "create",
    "join",
];

/// [`GATE_PROMPTS`], then [`PUBLISHER_NOTICES`], as one searcher: a match's pattern number
/// below the prompts' count is a prompt's.
static PUBLISHER_NOTICE_SEARCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(GATE_PROMPTS.iter().chain(PUBLISHER_NOTICES))
        .expect("publisher notices form an automaton")
});

/// Whether `text` is a gate's prompt, one of [`PUBLISHER_NOTICES`] or a reviewer's credit.
/// A prompt opens with the reader's step ("Register to keep reading", "Log in to continue
/// reading"): "He stopped to keep reading" is a sentence of the story.
pub(super) fn is_publisher_notice(text: &str, lower: &str) -> bool {
    if clean::more_chars_than(text, PUBLISHER_NOTICE_MAX_CHARS) {
        return false;
    }
    if lower.starts_with("medically reviewed by ") {
        return true;
    }
    PUBLISHER_NOTICE_SEARCHER.find_iter(lower).any(|found| {
        found.pattern().as_usize() >= GATE_PROMPTS.len() || GATE_STEPS.contains(&first_word(lower))
    })
}

/// Longest line of an embedded post's frame, in characters.
const EMBED_FRAME_MAX_CHARS: usize = 120;

/// The disclaimer under an embedded post ("The BBC is not responsible for the content of
/// external sites.").
const EXTERNAL_CONTENT_DISCLAIMER: &str = "not responsible for the content of external";

/// [`EXTERNAL_CONTENT_DISCLAIMER`]'s searcher, built once: the test runs on every short
/// block of every story.
static EXTERNAL_CONTENT_FINDER: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(EXTERNAL_CONTENT_DISCLAIMER));

/// Where an embedded post comes from, in its frame's lines.
const EMBED_SOURCES: &[&str] = &[
    "twitter",
    "x",
    "instagram",
    "facebook",
    "youtube",
    "tiktok",
    "bluesky",
    "threads",
    "linkedin",
    "spotify",
    "soundcloud",
    "telegram",
];

/// The frame a site puts around an embedded post for screen readers and for readers who
/// refuse its cookies: the skip link before it, the line after it ("Skip twitter post by
/// Environment Agency", "End of twitter post by Environment Agency", "End of Instagram
/// content"), the disclaimer under it ("The BBC is not responsible for the content of
/// external sites.") and Instagram's credit line ("A post shared by …"). The post itself
/// stays.
fn is_embed_frame(text: &str, lower: &str) -> bool {
    if clean::more_chars_than(text, EMBED_FRAME_MAX_CHARS) {
        return false;
    }
    // Instagram's own footer under an embedded post: "A post shared by Name (@handle)".
    if lower.starts_with("a post shared by ") {
        return true;
    }
    let mut words = letter_words(lower);
    let opening = match words.next() {
        Some("skip") => true,
        Some("end") => words.next() == Some("of"),
        _ => false,
    };
    let framed = opening
        && words.next().is_some_and(|w| EMBED_SOURCES.contains(&w))
        && words
            .next()
            .is_some_and(|w| matches!(w, "post" | "content" | "video" | "tweet" | "audio"));
    framed || EXTERNAL_CONTENT_FINDER.find(lower.as_bytes()).is_some()
}

/// A link to the story before or after this one on the site: a label, alone or with a
/// colon and the other story's headline ("← Предыдущая статья: …", "Növbəti xəbər: …",
/// "Next post"). `lower` is `text` lower-cased. A sentence that speaks of the next
/// article has no colon right after the words.
fn is_neighbour_link(text: &str, lower: &str) -> bool {
    if clean::more_chars_than(text, NEIGHBOUR_LINE_MAX_CHARS) {
        return false;
    }
    let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
    clean::NEIGHBOUR_LABELS.iter().any(|label| {
        after_words(bare, label).is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.is_empty() || rest.starts_with(':')
        })
    })
}

/// Longest gallery counter or video duration line, in characters.
const MEDIA_LINE_MAX_CHARS: usize = 80;

/// Stems of the words for a photograph or a video in a gallery's or a player's line.
const MEDIA_STEMS: &[&str] = &[
    "фото",
    "снимок",
    "видео",
    "photo",
    "foto",
    "image",
    "picture",
    "slide",
    "bild",
    "video",
    "şəkil",
    "görüntü",
    "zdjęcie",
    "відео",
];

/// Words between a gallery's position and its count ("1 из 12", "3 of 20", "2 von 9").
const COUNT_JOINERS: &[&str] = &["из", "of", "von", "de", "di", "sur", "з", "dan", "z"];

/// Stems of the words for a video's length ("Длительность видео: 03:41", "Duration 3:41").
const DURATION_STEMS: &[&str] = &[
    "длительн",
    "продолжительн",
    "тривалість",
    "duration",
    "dauer",
    "durée",
    "müddət",
    "süre",
];

/// A gallery's counter or a player's duration, wherever a story embeds them ("Фото 1 из
/// 12 · Все фото заседания", "Photo 3 of 20", "Длительность видео: 03:41"). `lower` is
/// `text` lower-cased. A sentence about photographs or videos has more words and a full
/// stop.
fn is_media_line(text: &str, lower: &str) -> bool {
    if clean::more_chars_than(text, MEDIA_LINE_MAX_CHARS) || ends_sentence(text) || !has_digit(text)
    {
        return false;
    }
    let tokens: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || "·|•:,".contains(c))
        .filter(|t| !t.is_empty())
        .collect();
    let is_number = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let media = tokens
        .iter()
        .any(|t| MEDIA_STEMS.iter().any(|stem| t.starts_with(stem)));
    let counted = tokens
        .windows(3)
        .any(|w| is_number(w[0]) && COUNT_JOINERS.contains(&w[1]) && is_number(w[2]))
        || tokens.iter().any(|t| {
            t.split_once('/')
                .is_some_and(|(a, b)| is_number(a) && is_number(b))
        });
    // The length is a clock reading ("03:41"), which the split above took apart.
    let timed = tokens
        .iter()
        .any(|t| DURATION_STEMS.iter().any(|stem| t.starts_with(stem)))
        && lower.split_whitespace().any(|t| {
            let t = t.trim_matches(|c: char| !c.is_ascii_digit());
            t.split_once(':')
                .is_some_and(|(a, b)| is_number(a) && is_number(b) && b.len() == 2)
        });
    (media && counted) || timed
}

/// Longest "read also" line inside a story, in characters.
const READ_ALSO_LINE_MAX_CHARS: usize = 220;

/// Labels of a link to another story set inside the story's text, lower-cased.
const READ_ALSO_LINE_LABELS: &[&str] = &[
    "читайте также",
    "читайте еще",
    "читайте ещё",
    "смотрите также",
    "читайте також",
    "дивіться також",
    "oxuyun",
    "həmçinin oxuyun",
    "həmçinin bax",
    "əlaqəli xəbər",
    "read also",
    "also read",
    "read more",
    "see also",
    "related",
    "lire aussi",
    "à lire aussi",
    "lesen sie auch",
    "auch interessant",
    "czytaj także",
    "czytaj też",
    "zobacz także",
    "lea también",
    "leia também",
    "leggi anche",
    "ayrıca okuyun",
    "ilgili haber",
];

/// A link to another story set as a line of the story's text: a "read also" label, a colon
/// or dash, and a headline ("Читайте также: Родственники задержанных пожаловались на запрет
/// передач"), as a print version or a feed leaves it with its link gone. `lower` is `text`
/// lower-cased. A sentence that goes on after the label ends with a full stop, a headline
/// does not.
fn is_read_also_line(text: &str, lower: &str) -> bool {
    if clean::more_chars_than(text, READ_ALSO_LINE_MAX_CHARS) {
        return false;
    }
    let bare = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    READ_ALSO_LINE_LABELS.iter().any(|label| {
        after_words(bare, label).is_some_and(|rest| {
            let Some(headline) = rest
                .trim_start()
                .strip_prefix([':', '—', '–', '-', '→', '»'])
                .map(str::trim)
            else {
                return false;
            };
            headline.split_whitespace().count() >= 3 && !headline.ends_with('.')
        })
    })
}

/// The typo-report prompt, in lower-cased text: the key combination readers press ("Ctrl+Enter",
/// "Ctrl + Enter", "Ctrl-Enter"), one of [`TYPO_PHRASES`], or one of [`TYPO_QUESTIONS`]
/// with its question mark, found in one pass.
static TYPO_SEARCHER: LazyLock<Regex> = LazyLock::new(|| {
    let phrases: Vec<String> = TYPO_PHRASES.iter().map(|p| regex::escape(p)).collect();
    let questions: Vec<String> = TYPO_QUESTIONS.iter().map(|p| regex::escape(p)).collect();
    Regex::new(&format!(
        r"ctrl\s*[+-]\s*enter|{}|(?:{})\s*\?",
        phrases.join("|"),
        questions.join("|")
    ))
    .expect("escaped literals form a valid pattern")
});

/// How a line takes part in a reader poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct PollRole {
    /// The poll's own label: "Опрос: …", "Sorğu", "Poll".
    label: bool,
    /// A heading that speaks of a poll: "Результаты опроса", "Əvvəlki sorğunun nəticələri".
    heading: bool,
    /// Its buttons or its vote count: "Голосовать", "Səs ver Nəticələr", "Total votes: 2,317".
    vote: bool,
    /// Its question.
    question: bool,
    /// An answer with its share: "Bəli — 23%".
    share: bool,
}

impl PollRole {
    /// The role of `text` (trimmed, at most [`TYPO_MAX_CHARS`] long); `lower` is it
    /// lower-cased.
    fn of(text: &str, lower: &str) -> PollRole {
        if text.is_empty() || clean::more_chars_than(text, 160) {
            return PollRole::default();
        }
        // Words are counted only as far as a label's: most blocks are longer.
        let first = letter_words(lower).next().unwrap_or("");
        let words = letter_words(lower).take(LABEL_MAX_WORDS + 1).count();
        let short = words <= LABEL_MAX_WORDS && !clean::more_chars_than(text, 60);
        let vote_count = has_digit(text)
            && VOTE_COUNT_PHRASES.iter().any(|p| {
                lower.strip_prefix(p).is_some_and(|rest| {
                    let rest = rest.trim_start_matches([':', ' ', '\u{a0}', '—', '-', '–']);
                    // The count may name what it counts: "Проголосовало: 214 человек".
                    let rest = VOTE_COUNT_UNITS
                        .iter()
                        .find_map(|u| rest.strip_suffix(u))
                        .unwrap_or(rest);
                    rest.starts_with(|c: char| c.is_ascii_digit())
                        && rest
                            .chars()
                            .all(|c| c.is_ascii_digit() || c.is_whitespace() || ",. ".contains(c))
                })
            });
        // "Опрос: …", "Poll: … ?", or the label alone.
        let labelled = lower
            .strip_prefix(first)
            .is_some_and(|rest| short || rest.trim_start().starts_with(':') || text.ends_with('?'));
        PollRole {
            label: POLL_WORDS.contains(&first) && labelled,
            heading: short
                && !ends_sentence(text)
                && letter_words(lower).any(|w| POLL_STEMS.iter().any(|stem| w.starts_with(stem))),
            vote: vote_count
                || (words > 0
                    && short
                    && letter_words(lower).all(|w| VOTE_BUTTON_WORDS.contains(&w))
                    && text
                        .chars()
                        .all(|c| c.is_alphabetic() || c.is_whitespace() || "|/·•".contains(c))),
            question: text.ends_with('?') && !clean::more_chars_than(text, 150),
            share: text.contains('%') && !clean::more_chars_than(text, 80) && SHARE.is_match(text),
        }
    }

    fn any(self) -> bool {
        self.label || self.heading || self.vote || self.question || self.share
    }
}

/// What the widget tests make of a block, worked out once: every block of every page is
/// asked, so a block is lower-cased once, and a long one (a paragraph of the story) is
/// passed over at once.
#[derive(Debug, Default)]
struct Shape {
    typo: bool,
    /// A "read also" line with another story's headline.
    read_also: bool,
    /// A line of view and comment counters.
    counter: bool,
    /// An advertisement's label or marking.
    advert: bool,
    /// A call to follow the site on a messenger or a social network.
    channel: bool,
    /// A print, rating, like or share button's line, or a link to the story before or
    /// after.
    tool: bool,
    /// A line of an informer: rates, the weather, prayer times.
    widget: bool,
    /// A short label that names an informer ("Курсы валют ЦБ РФ", "Weather in Baku").
    widget_heading: bool,
    label: bool,
    /// A hotline's name as a label, or with its number on one line.
    hotline: bool,
    /// A short line of phone numbers.
    phone: bool,
    poll: PollRole,
}

impl Shape {
    fn of(block: &Block) -> Shape {
        let text = block.text.trim();
        if text.is_empty() || clean::more_chars_than(text, TYPO_MAX_CHARS) {
            return Shape::default();
        }
        let lower = clean::lower_for_lists(text);
        // A label that opens a box of other stories ("Mövzu ilə bağlı xəbərlər") is left
        // for the read-also and tail passes, which take the box with it: as a widget's
        // label it would go alone, and the box under it would stay.
        let label = is_label(text) && !clean::is_tail_section_label(text);
        let phone = is_phone_line(text);
        Shape {
            typo: TYPO_SEARCHER.is_match(&lower),
            read_also: matches!(block.kind, BlockKind::Paragraph)
                && is_read_also_line(text, &lower),
            // A bold line is a section's heading set as a paragraph ("Advertising" in a
            // privacy policy), not a slot's label.
            advert: matches!(block.kind, BlockKind::Paragraph)
                && !block.emphasised
                && is_ad_marking(text, &lower),
            counter: !matches!(
                block.kind,
                BlockKind::Pre | BlockKind::Quote | BlockKind::TableRow { .. }
            ) && (is_counter_line(text, &lower)
                || is_media_line(text, &lower)
                || is_visit_counter(text, &lower)),
            channel: is_channel_promo(text, &lower) || is_newsroom_call(text, &lower),
            tool: !matches!(
                block.kind,
                BlockKind::Pre | BlockKind::Quote | BlockKind::TableRow { .. }
            ) && is_story_tool(text, &lower),
            widget: !matches!(block.kind, BlockKind::Pre | BlockKind::Quote)
                && (is_rate_line(text) || is_weather_line(text) || is_prayer_times_line(text)),
            widget_heading: label && names_widget(&lower),
            label,
            hotline: (label || phone) && names_hotline(&lower),
            phone,
            poll: PollRole::of(text, &lower),
        }
    }
}

/// Removes the widgets among the blocks: typo prompts, "read also" lines, counter lines,
/// advertisements'
/// markings, calls to follow the site on a channel and the story's print, rating and
/// share buttons wherever they are; reader polls (a
/// run of a poll's label, question, answers, buttons and vote count, with labels between
/// them); and rates and weather informers (a run of their lines and the short labels
/// around them).
pub(super) fn strip_widgets(blocks: &mut Vec<Block>) {
    let shapes: Vec<Shape> = blocks.iter().map(Shape::of).collect();
    let mut drop: Vec<bool> = shapes
        .iter()
        .map(|s| s.typo || s.read_also || s.channel || s.counter || s.advert || s.tool)
        .collect();
    let polls: Vec<PollRole> = shapes.iter().map(|s| s.poll).collect();
    let labels: Vec<bool> = shapes.iter().map(|s| s.label).collect();
    let widgets: Vec<bool> = shapes.iter().map(|s| s.widget).collect();
    let headings: Vec<bool> = shapes.iter().map(|s| s.widget_heading).collect();
    // Polls: a run with the poll's label, or with something to vote with and a question.
    for run in runs(blocks.len(), |k| {
        polls[k].any() || labels[k] || widgets[k] || headings[k]
    }) {
        let roles = &polls[run.clone()];
        let labelled = roles.iter().any(|p| p.label);
        let voted = roles.iter().any(|p| p.vote);
        let asked = roles.iter().any(|p| p.question || p.heading);
        if labelled || (voted && asked) {
            drop[run].iter_mut().for_each(|d| *d = true);
        }
    }
    mark_unlabelled_polls(blocks, &polls, &mut drop);
    // Rates and weather: a run of their lines and labels with at least one of their lines.
    // A heading alone names no informer: "1. They forecast weekly, not quarterly" heads a
    // part of a story.
    mark_runs_holding(
        &mut drop,
        |k| widgets[k] || headings[k] || labels[k],
        |k| widgets[k],
    );
    // A hotline's box: its name and the lines of numbers beside it. A story's contact
    // lines ("Telefon: 07161 50 20") have no hotline's name over them.
    mark_runs_holding(
        &mut drop,
        |k| shapes[k].hotline || shapes[k].phone,
        |k| shapes[k].hotline,
    );
    remove_marked(blocks, &drop);
}

/// Marks in `drop` each longest run of blocks that are `inside` a widget and hold at least
/// one block that makes it one (`anchor`): a label or a number goes only with its widget.
fn mark_runs_holding(
    drop: &mut [bool],
    inside: impl Fn(usize) -> bool,
    anchor: impl Fn(usize) -> bool,
) {
    for run in runs(drop.len(), inside) {
        if run.clone().any(&anchor) {
            drop[run].iter_mut().for_each(|d| *d = true);
        }
    }
}

/// The longest runs of consecutive indexes below `len` at which `inside` holds, in order.
fn runs(len: usize, inside: impl Fn(usize) -> bool) -> impl Iterator<Item = Range<usize>> {
    let mut start = 0;
    std::iter::from_fn(move || {
        while start < len && !inside(start) {
            start += 1;
        }
        if start == len {
            return None;
        }
        let first = start;
        while start < len && inside(start) {
            start += 1;
        }
        Some(first..start)
    })
}

/// Removes the blocks marked in `drop`, in one pass.
pub(super) fn remove_marked(blocks: &mut Vec<Block>, drop: &[bool]) {
    if !drop.contains(&true) {
        return;
    }
    let mut k = 0;
    blocks.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
}

/// Fewest and most answers under a question that make it a poll without its label.
const MIN_ANSWERS: usize = 2;
const MAX_ANSWERS: usize = 8;
/// Longest answer of a poll, in characters and words.
const ANSWER_MAX_CHARS: usize = 60;
const ANSWER_MAX_WORDS: usize = 8;

/// An answer of a poll: a short paragraph that does not end like a sentence or a clause
/// ("Нет, приходится ехать на транспорте", "Yes, prices had not changed for years").
fn is_answer(block: &Block) -> bool {
    matches!(block.kind, BlockKind::Paragraph) && is_answer_text(block.text.trim())
}

/// The text of an answer of a poll: one short line that does not end like a sentence.
fn is_answer_text(text: &str) -> bool {
    !text.is_empty()
        && !text.contains('\n')
        && !clean::more_chars_than(text, ANSWER_MAX_CHARS)
        && letter_words(text).count() <= ANSWER_MAX_WORDS
        && !text.ends_with(['.', '!', '?', '…', ':', ';', ','])
}

/// How many answers a paragraph of answers one to a line holds ("Bəli\nXeyr\nBilmirəm"),
/// or 0 when a line of it is not one.
fn answer_lines(block: &Block) -> usize {
    if !matches!(block.kind, BlockKind::Paragraph)
        || !block.text.contains('\n')
        || clean::more_chars_than(&block.text, MAX_ANSWERS * (ANSWER_MAX_CHARS + 1))
    {
        return 0;
    }
    let mut lines = 0;
    for line in block.text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !is_answer_text(line) {
            return 0;
        }
        lines += 1;
    }
    lines
}

/// Marks in `drop` the polls whose label, buttons and vote count are gone (the page draws
/// them with scripts, or they were too short to render): a question set as a paragraph
/// with two to eight answers right under it. A story's question heading is a heading;
/// a story's list is a list.
fn mark_unlabelled_polls(blocks: &[Block], polls: &[PollRole], drop: &mut [bool]) {
    for k in 0..blocks.len() {
        if !polls[k].question || !matches!(blocks[k].kind, BlockKind::Paragraph) {
            continue;
        }
        // Answers do not end with a question mark, so runs under two questions never
        // overlap: the scan stays linear.
        // Answers one to a block, or one to a line of a block (labels with their radio
        // buttons, broken by `<br>`).
        let (mut answers, mut answer_blocks) = (0, 0);
        for b in blocks[k + 1..].iter().take(MAX_ANSWERS + 1) {
            let lines = if is_answer(b) { 1 } else { answer_lines(b) };
            if lines == 0 || answers + lines > MAX_ANSWERS {
                break;
            }
            answers += lines;
            answer_blocks += 1;
        }
        if (MIN_ANSWERS..=MAX_ANSWERS).contains(&answers) {
            drop[k..=k + answer_blocks]
                .iter_mut()
                .for_each(|d| *d = true);
        }
    }
}

/// Longest block that opens with a call to action and goes wherever it stands.
const CALL_MAX_CHARS: usize = 120;
/// Longest block that goes with a call beside it ("Your gift keeps monitors in the field.").
const CALL_COMPANION_MAX_CHARS: usize = 200;
/// Most lines under a call set as a heading that go with it without speaking to the
/// reader: a box holds a line or two and a button ("Tell the authorities to release the
/// detained observers."), not the paragraphs, demands and signatures that follow it.
const CALL_BOX_MAX_LINES: usize = 2;

/// Removes calls to action wherever they stand in the story: a short block that opens with
/// one ("Stand with us", "Поддержите независимое наблюдение!", "Petisiyanı imzalayın: …"),
/// the short lines beside it that speak to the reader or call too ("Your gift keeps
/// monitors in the field.", "Ваше пожертвование поможет …"), and under a call set as a
/// heading, the box's few short lines before the next heading. A story's paragraph that
/// mentions giving or subscribing is long, or speaks of others: it stays; so does what
/// follows a box when no heading closes it (a statement's closing paragraphs, its
/// demands and its signatories after a donation box in its middle).
pub(super) fn strip_calls_to_action(blocks: &mut Vec<Block>) {
    let short = |b: &Block, max: usize| !clean::more_chars_than(&b.text, max);
    // The opening words decide; only they are lower-cased on every block.
    let calls: Vec<bool> = blocks
        .iter()
        .map(|b| {
            matches!(
                b.kind,
                BlockKind::Paragraph | BlockKind::Heading(_) | BlockKind::ListItem { .. }
            ) && short(b, CALL_MAX_CHARS)
                && clean::opens_with_call(&clean::lower_for_lists(opening(&b.text)))
        })
        .collect();
    if !calls.contains(&true) {
        return;
    }
    let companions: Vec<bool> = blocks
        .iter()
        .map(|b| {
            short(b, CALL_COMPANION_MAX_CHARS)
                && (clean::addresses_reader(&clean::lower_for_lists(&b.text))
                    || clean::is_promo_line(&b.text))
        })
        .collect();
    // A box's line is short and stands alone: a heading, a list or a line that
    // introduces one ("Tələblərimiz:") is the story's again.
    let in_box = |b: &Block| {
        matches!(b.kind, BlockKind::Paragraph)
            && short(b, CALL_MAX_CHARS)
            && !b.text.trim_end().ends_with(':')
    };
    let mut drop = calls.clone();
    for k in (0..blocks.len()).filter(|&k| calls[k]) {
        let heads_box = matches!(blocks[k].kind, BlockKind::Heading(_));
        let mut box_lines = 0;
        let mut j = k + 1;
        while j < blocks.len() && !calls[j] {
            if !companions[j] {
                if !(heads_box && box_lines < CALL_BOX_MAX_LINES && in_box(&blocks[j])) {
                    break;
                }
                box_lines += 1;
            }
            drop[j] = true;
            j += 1;
        }
        let mut j = k;
        while j > 0 && companions[j - 1] && !drop[j - 1] {
            drop[j - 1] = true;
            j -= 1;
        }
    }
    remove_marked(blocks, &drop);
}

/// The first words of `text`: enough for any call's opening.
fn opening(text: &str) -> &str {
    let end = text.char_indices().nth(48).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// Longest headline of another story, in characters.
const HEADLINE_MAX_CHARS: usize = 160;
/// Fewest headlines in a list of other stories.
const MIN_HEADLINES: usize = 3;
/// Fewest times or dates beside them.
const MIN_STAMPS: usize = 2;

/// A line that is only a time, with a date or "yesterday" beside it at most ("18:40",
/// "Вчера, 18:40", "7 сентября, 12:03", "2 September 2024, 21:02", "26.12.2023").
pub fn is_time_stamp(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && !clean::more_chars_than(text, LABEL_MAX_CHARS)
        && ((TIME_OF_DAY.is_match(text) && letter_words(text).count() <= 3)
            || clean::is_dateline_block(text))
}

/// A headline: a short line of a few words that does not end like a sentence.
fn is_headline(kind: &BlockKind, text: &str) -> bool {
    let text = text.trim();
    matches!(
        kind,
        BlockKind::Paragraph | BlockKind::Heading(_) | BlockKind::ListItem { .. }
    ) && !text.contains('\n')
        && !clean::more_chars_than(text, HEADLINE_MAX_CHARS)
        && letter_words(text).count() >= 3
        && !text.ends_with(['.', ':', ';', ','])
}

/// Where the headlines of other stories begin, when the blocks end with them: a run of at
/// least three headlines with their times ("18:30 Bakıda sabah güclü külək olacaq", or a
/// headline and a line "Вчера, 18:40" under it) — the news feed a portal leaves inside the
/// story's container. Headlines without times are not cut here: the last lines of a story
/// can look like them.
pub(super) fn other_stories_start(blocks: &[Block]) -> Option<usize> {
    let mut start = blocks.len();
    let mut headlines = 0;
    let mut stamps = 0;
    for (k, block) in blocks.iter().enumerate().rev() {
        let text = &block.text;
        if let Some(rest) = LEADING_TIME.captures(text).and_then(|c| c.get(1))
            && is_headline(&block.kind, rest.as_str())
        {
            headlines += 1;
            stamps += 1;
        } else if is_time_stamp(text) {
            stamps += 1;
        } else if is_headline(&block.kind, text) {
            headlines += 1;
        } else {
            break;
        }
        start = k;
    }
    (start > 0 && headlines >= MIN_HEADLINES && stamps >= MIN_STAMPS).then_some(start)
}

/// A time or a date at the start of a line, with "yesterday" before it at most, then the
/// rest ("08:55 На Лесной улице …", "Вчера, 19:40 Городской парк …", "21.04.2025 Şəmkirdə
/// …"): the day word, the date, the time and the rest are captured.
static LEADING_STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:(сегодня|вчера|позавчера|today|yesterday|bu gün|dünən|srağagün)\s*,?\s*)?(?:(\d{1,2})[./](\d{1,2})[./](\d{2,4})\s*,?\s*)?(?:([01]?\d|2[0-3]):([0-5]\d))?\s*[|•·\-–—,]?\s*(\S.*)?$",
    )
    .expect("a valid pattern")
});

/// When a feed's line was posted, as far as the line says: the day (a date as yyyymmdd,
/// or days back from today for "yesterday") and the minute of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    day: Option<i64>,
    minute: Option<i64>,
}

impl Stamp {
    /// Whether `self` is earlier than `other`, when the two can be compared: both give
    /// their day or neither does, and both give their minute if the days are equal.
    fn compare(self, other: Stamp) -> Option<std::cmp::Ordering> {
        if self.day.is_some() != other.day.is_some() {
            return None;
        }
        match self.day.cmp(&other.day) {
            std::cmp::Ordering::Equal => match (self.minute, other.minute) {
                (Some(a), Some(b)) => Some(a.cmp(&b)),
                _ => Some(std::cmp::Ordering::Equal),
            },
            order => Some(order),
        }
    }
}

/// A [`Stamp`]'s day: the date as yyyymmdd.
fn day_key(year: i64, month: i64, day: i64) -> i64 {
    year * 10_000 + month * 100 + day
}

/// A [`Stamp`]'s minute of the day.
fn minute_of_day(hour: i64, minute: i64) -> i64 {
    hour * 60 + minute
}

/// How a block takes part in a feed of other stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FeedLine {
    /// A headline with its time or date in front.
    Stamped(Stamp),
    /// A time or a date alone (over or under its headline).
    StampOnly(Stamp),
    /// A headline alone.
    Headline,
    /// Anything else.
    Other,
}

impl FeedLine {
    fn of(block: &Block) -> FeedLine {
        let text = block.text.trim();
        if text.is_empty() || clean::more_chars_than(text, HEADLINE_MAX_CHARS + 24) {
            return FeedLine::Other;
        }
        // Only a line that opens with a figure or a day's word can open with a stamp.
        let first = text.chars().next().unwrap_or(' ');
        // The first letters of the stamp words in `LEADING_STAMP`, either case.
        let may_open_with_stamp = first.is_ascii_digit() || "СсВвПпTtYyBbDdSs".contains(first);
        if may_open_with_stamp && let Some(c) = LEADING_STAMP.captures(text) {
            let number = |k: usize| c.get(k).and_then(|m| m.as_str().parse::<i64>().ok());
            let day = match (number(2), number(3), number(4)) {
                (Some(d), Some(m), Some(y)) => {
                    Some(day_key(if y < 100 { y + 2000 } else { y }, m, d))
                }
                _ => c.get(1).map(|w| match w.as_str().to_lowercase().as_str() {
                    "вчера" | "yesterday" | "dünən" => -1,
                    "позавчера" | "srağagün" => -2,
                    _ => 0,
                }),
            };
            let minute = number(5).zip(number(6)).map(|(h, m)| minute_of_day(h, m));
            let dated = c.get(2).is_some() || minute.is_some();
            if dated {
                let stamp = Stamp { day, minute };
                return match c.get(7) {
                    None => FeedLine::StampOnly(stamp),
                    Some(rest) if is_headline(&block.kind, rest.as_str()) => {
                        FeedLine::Stamped(stamp)
                    }
                    Some(_) if is_time_stamp(text) => FeedLine::StampOnly(stamp),
                    Some(_) => FeedLine::Other,
                };
            }
        }
        if let Some(line) = opening_date_in_words(&block.kind, text) {
            return line;
        }
        if is_headline(&block.kind, text) {
            FeedLine::Headline
        } else {
            FeedLine::Other
        }
    }

    fn stamp(self) -> Option<Stamp> {
        match self {
            FeedLine::Stamped(s) | FeedLine::StampOnly(s) => Some(s),
            _ => None,
        }
    }
}

/// Most bytes an opening date with its time takes ("30 сентября 2025 г., 18:20" is 35).
const OPENING_DATE_MAX_BYTES: usize = 64;
/// Latest byte the first figure of an opening date may stand at: after a month name
/// ("September 30, 2025", "Sentyabr" and the like, in bytes).
const FIRST_FIGURE_MAX_BYTE: usize = 20;

/// A line that opens with a date in words, its time at most beside it ("3 декабря 2025,
/// 14:00 В Гяндже открыли …", "December 3, 2025 — …", "3 dekabr 2025 …"; the numeric forms
/// are [`LEADING_STAMP`]'s): the feed line it is, or `None` when it does not open with one.
fn opening_date_in_words(kind: &BlockKind, text: &str) -> Option<FeedLine> {
    use chrono::{Datelike, Timelike};
    // A date and time that open a line fit in its first bytes, and its first figure comes
    // before the longest month name is over: a line without a figure that early costs a
    // short scan, not the date search (the search on every short line cost 0.65 % of the
    // extractor's instructions on the dev corpus).
    let opening = super::chars::prefix_bytes(text, OPENING_DATE_MAX_BYTES);
    let first_figure = opening.bytes().position(|b| b.is_ascii_digit());
    if first_figure.is_none_or(|at| at > FIRST_FIGURE_MAX_BYTE) {
        return None;
    }
    let context = super::dates::DateContext::with_reference(None);
    let found = super::dates::find_dates(opening, &context).next()?;
    if !text[..found.start].trim().is_empty() {
        return None;
    }
    let date = found.date.date;
    let stamp = Stamp {
        day: Some(day_key(
            i64::from(date.year()),
            i64::from(date.month()),
            i64::from(date.day()),
        )),
        minute: found
            .date
            .time
            .map(|t| minute_of_day(i64::from(t.hour()), i64::from(t.minute()))),
    };
    let rest =
        text[found.end..].trim_start_matches(|c: char| c.is_whitespace() || "|•·-–—,".contains(c));
    Some(if rest.is_empty() {
        FeedLine::StampOnly(stamp)
    } else if is_headline(kind, rest) {
        FeedLine::Stamped(stamp)
    } else {
        FeedLine::Other
    })
}

/// Most headlines under a "read also" label that go with it.
const READ_ALSO_MAX_HEADLINES: usize = 8;

/// Longest standfirst of a teaser under a "read also" label, in characters: longer than
/// a teaser card's alone, since the label and the headline above each say what it is.
const READ_ALSO_STANDFIRST_MAX_CHARS: usize = 600;

/// Fewest standfirsts under a "read also" label that make it a box of teasers: one
/// paragraph under one linked headline may be the story going on after a box of one
/// link.
const READ_ALSO_MIN_STANDFIRSTS: usize = 2;

/// Removes a "read also" box between the story's paragraphs: a section label ("Читайте
/// также:", "Oxşar xəbərlər", "Read also") followed by headlines that carry link text
/// ("Школьники победили в олимпиаде по химии подробнее"), or by teasers whose linked
/// headlines conditional cleaning already dropped, which leaves their standfirsts
/// ([`Block::under_linked_heading`]; at least two of them). Headlines that were all link
/// text went already; a label over the story's own sentences stays for the tail's tests.
pub(super) fn strip_read_also(blocks: &mut Vec<Block>) {
    let linked_headline = |b: &Block| b.link_chars > 0 && is_headline(&b.kind, &b.text);
    let standfirst = |b: &Block| {
        b.under_linked_heading
            && matches!(b.kind, BlockKind::Paragraph)
            && !clean::more_chars_than(&b.text, READ_ALSO_STANDFIRST_MAX_CHARS)
    };
    let mut drop = vec![false; blocks.len()];
    let mut k = 0;
    while k + 1 < blocks.len() {
        let label = &blocks[k];
        let opens_box = |b: &Block| linked_headline(b) || standfirst(b);
        if !matches!(label.kind, BlockKind::Paragraph | BlockKind::Heading(_))
            || clean::more_chars_than(&label.text, LABEL_MAX_CHARS)
            || !opens_box(&blocks[k + 1])
            || !clean::is_tail_section_label(&label.text)
        {
            k += 1;
            continue;
        }
        let items: Vec<&Block> = blocks[k + 1..]
            .iter()
            .take(READ_ALSO_MAX_HEADLINES)
            .take_while(|b| opens_box(b))
            .collect();
        let standfirsts = items.iter().filter(|b| standfirst(b)).count();
        // Standfirsts count only in numbers: a lone one is left with its label.
        let taken = if standfirsts == 0 || standfirsts >= READ_ALSO_MIN_STANDFIRSTS {
            items.len()
        } else {
            items.iter().take_while(|b| linked_headline(b)).count()
        };
        if taken == 0 {
            k += 1;
            continue;
        }
        drop[k..=k + taken].iter_mut().for_each(|d| *d = true);
        k += taken + 1;
    }
    remove_marked(blocks, &drop);
}

/// Removes the feeds of other stories that a portal leaves between the story's paragraphs:
/// at least three headlines, each with its time or date (in its line, or in a line of its
/// own over or under it), newest first ("08:55 …", "08:31 …", "Вчера, 19:40 …"). A
/// programme of events in a story runs from the earliest time to the latest; a feed runs
/// back in time.
pub(super) fn strip_feed_runs(blocks: &mut Vec<Block>) {
    let lines: Vec<FeedLine> = blocks.iter().map(FeedLine::of).collect();
    let mut drop = vec![false; blocks.len()];
    for run in runs(lines.len(), |k| lines[k] != FeedLine::Other) {
        if let Some((from, to)) = feed_in(&lines[run.clone()]) {
            drop[run.start + from..run.start + to]
                .iter_mut()
                .for_each(|d| *d = true);
        }
    }
    remove_marked(blocks, &drop);
}

/// The part of a run of feed-like lines that is a feed, as a range: from its first stamp
/// to its last, with the headline that goes with a stamp standing alone at an end.
fn feed_in(run: &[FeedLine]) -> Option<(usize, usize)> {
    let first = run.iter().position(|l| l.stamp().is_some())?;
    let last = run.iter().rposition(|l| l.stamp().is_some())?;
    let (mut from, mut to) = (first, last + 1);
    // A stamp on a line of its own has its headline over it or under it: the headline at
    // the end the stamps leave open joins the feed (over, when both ends are open).
    if matches!(run[first], FeedLine::StampOnly(_))
        && from > 0
        && run[from - 1] == FeedLine::Headline
    {
        from -= 1;
    } else if matches!(run[last], FeedLine::StampOnly(_))
        && to < run.len()
        && run[to] == FeedLine::Headline
    {
        to += 1;
    }
    let part = &run[from..to];
    let headlines = part
        .iter()
        .filter(|l| matches!(l, FeedLine::Stamped(_) | FeedLine::Headline))
        .count();
    let stamps: Vec<Stamp> = part.iter().filter_map(|l| l.stamp()).collect();
    if headlines < MIN_HEADLINES || stamps.len() < headlines {
        return None;
    }
    let (mut earlier, mut later) = (0, 0);
    for pair in stamps.windows(2) {
        match pair[1].compare(pair[0]) {
            Some(std::cmp::Ordering::Less) => earlier += 1,
            Some(std::cmp::Ordering::Greater) => later += 1,
            _ => {}
        }
    }
    (later == 0 || earlier > later).then_some((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(lines: &[&str]) -> Vec<Block> {
        lines
            .iter()
            .map(|l| Block::new(BlockKind::Paragraph, (*l).to_owned(), (*l).to_owned()))
            .collect()
    }

    fn texts(blocks: &[Block]) -> Vec<&str> {
        blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn rate_lines() {
        for line in [
            "USD 1.7000",
            "USD 1.7000 EUR 1.9317 RUB 0.0185",
            "USD | 91,1700 | +0,3400",
            "EUR 100,7300 −0,1200",
            "USD/AZN 1.7000",
            "$ 91,17 € 100,73",
            "Курс доллара 91,17",
            "Доллар 91,17 ▲ 0,34",
            "Avro 1.9317",
            "Нефть Brent 78,40",
            "EURUSD 1.0871",
            "€100.73",
        ] {
            assert!(is_rate_line(line), "{line}");
        }
        for line in [
            "The manat traded at 1.7000 per dollar on Monday, the central bank said.",
            "USD",
            "Валюта | Курс | Изменение",
            "Try 3 times",
            "The budget is 12 billion dollars",
            "В 2024 году курс доллара вырос на 12 процентов",
            "Neupreis: 20.000 Euro",
            "Monatliche Rate: 293,45 Euro",
            "100,73 €",
            "Budget: USD 20,000",
        ] {
            assert!(!is_rate_line(line), "{line}");
        }
    }

    #[test]
    fn weather_lines() {
        for line in [
            "Заречье +14°C",
            "+14°C, облачно, ветер 3 м/с",
            "Завтра: +11…+16°C",
            "Today +31°C, tomorrow +29°C",
            "Wind: north, 8 m/s",
            "Bakı +12°C",
            "−3 °С",
            "Bakı 12°C",
            "Moskau 14 °C, bewölkt",
        ] {
            assert!(is_weather_line(line), "{line}");
        }
        for line in [
            // A specification beside a temperature is no reading.
            "Vorlauftemperatur: bis 75 °C ohne Heizstab",
            "Bake at 180 °C for 25 minutes",
            "The temperature in Baku reached 45°C on Monday, the highest since records began in 1880.",
            "Ветер 3",
            "Температура воздуха днём поднимется до +30°, сообщили в гидрометцентре Заречья сегодня утром.",
        ] {
            assert!(!is_weather_line(line), "{line}");
        }
    }

    #[test]
    fn story_tools() {
        for line in [
            "Версия для печати",
            "Çap et",
            "Print this article",
            "Printer-friendly version",
            "Оцените материал: 1 2 3 4 5",
            "Xəbəri qiymətləndirin: 1 2 3 4 5",
            "Rate this article ★★★★★",
            "Rate this:",
            "Рейтинг: 4.5 (12 голосов)",
            "Rating: 4.5/5 (12 votes)",
            "Reytinq: 4.2 (31 səs)",
            "Поделиться:",
            "Share this article",
            "Xəbəri paylaş:",
            "Поделиться: ВКонтакте Одноклассники Telegram",
            "Paylaş: Facebook Twitter WhatsApp Telegram",
            "Share: Facebook Twitter LinkedIn Email",
            "Facebook Twitter WhatsApp",
            "Facebook 12 Twitter 3 E-mail",
            "Share this via X",
            "Share this via WhatsApp",
            "Other ways to share",
            "Поделиться в Telegram",
            "Мы в соцсетях:",
            "Добавить в избранное",
            "Like this:",
            "Like Loading...",
            "← Предыдущая статья: Наблюдателей обучили в двенадцати регионах",
            "Следующая статья: Комиссия отклонила жалобу на списки избирателей →",
            "Növbəti xəbər: Komissiya şikayəti rədd edib",
            "Previous post",
            "A- A A+",
            "Размер шрифта: A A A",
            "This post is also available in: Русский Azərbaycan",
            "This statement is also available in Kyrgyz and Russian: Кыргызча | Русский",
            "Read in Russian",
            "Читать на азербайджанском",
            "Rus dilində oxu",
            "İngilizce oku",
            "Click to expand",
            "Показать полностью",
            "Bild anzeigen",
            "Bild anzeigen Bild schließen",
            "View larger image",
            "Увеличить фото",
            "Русский English Azərbaycan",
            "Copy link",
            "Link copied!",
            "Ссылка скопирована",
            "Keçid kopyalandı",
            "Rezept drucken Bei Pinterest speichern",
            "Print Recipe Pin Recipe",
            "Drucken · Merken",
            "Pin it",
            "E-mail this story | Printer-friendly version",
            "Send to a friend",
        ] {
            let block = &paragraphs(&[line])[0];
            assert!(Shape::of(block).tool, "{line}");
        }
        for line in [
            "Участники смогут поделиться опытом.",
            "Share prices fell on Monday.",
            "View images of the flooded streets were shared widely.",
            "Print media lost a third of their readers in five years.",
            "Оцените сами: 12 из 40 участков закрылись раньше срока.",
            "Rating: 4/5",
            "Рейтинг партии вырос до 12 процентов",
            "Rate this year's harvest as average, the ministry said.",
            "Facebook and Twitter removed the posts.",
            "Telegram-канал",
            "Facebook",
            "Поделиться опытом с коллегами",
            "Like this year, the vote was postponed.",
            "Next article in the series will look at the count.",
            "Следующая статья закона запрещает агитацию в день выборов.",
            "A",
            "Plan A",
            "Read in full, the report is damning.",
            "Читайте на сайте комиссии",
            "Rus dilində danışan sakinlər",
            "English",
            "Русский язык",
            "Click to expand the map of polling stations in your district.",
            "Copied from the commission's protocol, the figures do not add up.",
            "Print media lost readers",
            "Pin the map to the wall",
            "Drucken lassen",
        ] {
            let block = &paragraphs(&[line])[0];
            assert!(!Shape::of(block).tool, "{line}");
        }
    }

    fn is_typo_prompt(line: &str) -> bool {
        Shape::of(&paragraphs(&[line])[0]).typo
    }

    #[test]
    fn runs_are_the_longest_stretches_where_the_test_holds() {
        let cases = [
            (vec![], vec![]),
            (vec![false, false], vec![]),
            (vec![true, true, true], vec![(0, 3)]),
            (vec![true, false, true, true, false], vec![(0, 1), (2, 4)]),
            (vec![false, true, false, false, true], vec![(1, 2), (4, 5)]),
        ];
        for (inside, expected) in cases {
            let found: Vec<(usize, usize)> = runs(inside.len(), |k| inside[k])
                .map(|r| (r.start, r.end))
                .collect();
            assert_eq!(found, expected, "{inside:?}");
        }
    }

    #[test]
    fn feeds_of_other_stories_go_from_between_paragraphs() {
        let story = "Городская администрация подписала контракт на замену двенадцати остановок, сообщили в отделе благоустройства.";
        let after = "Жители микрорайона попросили добавить в список остановку у школы, и в администрации обещали подумать.";
        let mut blocks = paragraphs(&[
            story,
            "08:55 На Лесной улице временно перекроют движение",
            "08:31 Школьники заняли второе место на олимпиаде по химии",
            "Вчера, 19:40 Городской парк закроют на санитарную обработку",
            after,
        ]);
        strip_feed_runs(&mut blocks);
        assert_eq!(texts(&blocks), [story, after]);
        // Headlines with their dates under them, the newest first.
        let mut blocks = paragraphs(&[
            story,
            "Şəmkirdə yeni məktəb binası istifadəyə verilib",
            "21.04.2025",
            "Lənkəranda çay plantasiyaları genişləndirilir",
            "20.04.2025",
            "Qubada alma bağlarında don vurması qeydə alınıb",
            "19.04.2025",
            after,
        ]);
        strip_feed_runs(&mut blocks);
        assert_eq!(texts(&blocks), [story, after]);
        // Dates in words, in front of the headlines or on lines of their own.
        for lines in [
            [
                "3 декабря 2025, 14:10 В Гяндже открыли новый мост через реку",
                "3 декабря 2025, 09:45 Школьники заняли второе место на олимпиаде",
                "2 декабря 2025, 18:20 Городской парк закроют на санитарную обработку",
            ],
            [
                "December 3, 2025 — City council approves the new bus routes",
                "December 1, 2025 — Students win second place at the chemistry olympiad",
                "November 28, 2025 — The central park closes for maintenance works",
            ],
        ] {
            let mut blocks = paragraphs(&[story, lines[0], lines[1], lines[2], after]);
            strip_feed_runs(&mut blocks);
            assert_eq!(texts(&blocks), [story, after], "{lines:?}");
        }
        let mut blocks = paragraphs(&[
            story,
            "Gəncədə yeni körpü istifadəyə verilib",
            "3 dekabr 2025",
            "Lənkəranda çay plantasiyaları genişləndirilir",
            "2 dekabr 2025",
            "Qubada alma bağlarında don vurması qeydə alınıb",
            "1 dekabr 2025",
            after,
        ]);
        strip_feed_runs(&mut blocks);
        assert_eq!(texts(&blocks), [story, after]);
        // A programme or a chronology runs forward in time; lines without stamps are not a
        // feed, nor are dated sentences.
        for lines in [
            [
                "12 марта 2024 Комиссия зарегистрировала кандидатов в депутаты",
                "20 марта 2024 Началась агитация в средствах массовой информации",
                "2 апреля 2024 Открылись избирательные участки в районах",
            ],
            [
                "3 December 2025: the commission registered the candidates.",
                "1 December 2025: campaigning began in the press and on television.",
                "28 November 2025: polling stations opened in the districts.",
            ],
            [
                "10:00 Регистрация участников форума и приветственный кофе",
                "11:30 Пленарное заседание с участием губернатора области",
                "14:00 Работа секций по экологии и городской среде",
            ],
            [
                "Ассоциация юристов Азербайджана",
                "Центр мониторинга выборов и обучения демократии",
                "Общественное объединение защиты прав избирателей",
            ],
        ] {
            let mut blocks = paragraphs(&[story, lines[0], lines[1], lines[2], after]);
            strip_feed_runs(&mut blocks);
            assert_eq!(blocks.len(), 5, "{lines:?}");
        }
    }

    #[test]
    fn read_also_boxes_and_polls_without_their_labels_go_from_the_story() {
        let story = "Sumqayıt şəhərinin dənizkənarı hissəsində yeni parkın salınmasına başlanılıb, bildirilib.";
        let after =
            "Layihənin dəyəri 7,4 milyon manat təşkil edir və vəsait yerli büdcədən ayrılıb.";
        let linked = |text: &str| Block {
            link_chars: 7,
            ..Block::new(BlockKind::Paragraph, text.to_owned(), text.to_owned())
        };
        let mut blocks = paragraphs(&[story, "Oxşar xəbərlər:"]);
        blocks.push(linked("Gəncədə köhnə bulvar yenidən qurulur ətraflı"));
        blocks.push(linked("Lənkəranda sahil zolağı təmizlənib ətraflı"));
        blocks.extend(paragraphs(&[after]));
        strip_read_also(&mut blocks);
        assert_eq!(texts(&blocks), [story, after]);
        // Without link text under it, the label is left to the tail's tests.
        let mut blocks = paragraphs(&[
            story,
            "Oxşar xəbərlər:",
            "Gəncədə köhnə bulvar yenidən qurulur",
            after,
        ]);
        strip_read_also(&mut blocks);
        assert_eq!(blocks.len(), 4);
        // Teasers whose linked headlines went in cleaning leave their standfirsts: two or
        // more under the label are the box; one may be the story going on.
        let standfirst = |text: &str| Block {
            under_linked_heading: true,
            ..Block::new(BlockKind::Paragraph, text.to_owned(), text.to_owned())
        };
        let mut blocks = paragraphs(&[story, "Oxşar xəbərlər"]);
        blocks.push(standfirst(
            "Komissiya evləri həftənin sonunadək yoxlayacaq.",
        ));
        blocks.push(standfirst(
            "İşlər aprel ayında başlayacaq və bir ay çəkəcək.",
        ));
        blocks.extend(paragraphs(&[after]));
        strip_read_also(&mut blocks);
        assert_eq!(texts(&blocks), [story, after]);
        let mut blocks = paragraphs(&[story, "Oxşar xəbərlər"]);
        blocks.push(standfirst(after));
        strip_read_also(&mut blocks);
        assert_eq!(texts(&blocks), [story, "Oxşar xəbərlər", after]);
        // A question with its answers one to a line, its label and count dropped as short.
        let mut blocks = paragraphs(&[
            story,
            "Şəhərdə yeni parklar kifayət qədərdirmi?",
            "Bəli\nXeyr\nBilmirəm",
            after,
        ]);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), [story, after]);
        // A vote count may name what it counts.
        assert!(
            Shape::of(&paragraphs(&["Проголосовало: 214 человек"])[0])
                .poll
                .vote
        );
    }

    #[test]
    fn calls_to_follow_on_a_channel() {
        let promo = |line: &str| is_channel_promo(line, &line.to_lowercase());
        for line in [
            "Читайте нас в Telegram и Дзен",
            "Подписывайтесь на наш канал в Дзен, чтобы не пропустить главное",
            "Следите за новостями в нашем Telegram-канале",
            "Bizi Telegram-da izləyin",
            "Xəbərlərimizi WhatsApp kanalımızda da oxuyun",
            "Follow us on X",
            "Join our Telegram channel for the latest news",
            "Subscribe to our YouTube channel",
            "Есть новость? Присылайте нам в WhatsApp и Telegram: +7 (900) 123-45-67",
            "Xəbəriniz var? WhatsApp-a göndərin: 050 555 44 33",
            "Send us your tips on WhatsApp",
            "¿Ya sabías que tenemos canal de Telegram? Únete desde tu celular",
            "Folge uns auf Instagram",
            "Suivez-nous sur Facebook",
            "Підписуйтесь на наш Telegram-канал",
            "Все новости о выборах в Дагестане — в нашем Telegram-канале @kaspiyinfo",
            "Bütün xəbərlər bizim Telegram kanalımızda",
            "Ми в Telegram: @pravaporuch",
            "Мы в VK и Telegram",
        ] {
            assert!(promo(line), "{line}");
        }
        for line in [
            "Об этом губернатор написал в своём Telegram-канале.",
            "Nazir bu barədə Telegram kanalında yazıb.",
            "The ministry said residents should follow its Telegram channel for updates.",
            "Readers of the channel asked the mayor to explain the decision in a public meeting.",
            "Subscribe to our newsletter",
            "Жители пишут в Telegram-канал администрации о ямах на дорогах.",
            "She said voters were sent messages on WhatsApp the night before.",
            "Die Folge zeigt, wie der Minister auf Telegram reagierte.",
            "Наш корреспондент узнал о задержании из Telegram-канала суда.",
            "Мы в Telegram писали об этом ещё в марте, но ответа от мэрии так и не получили.",
        ] {
            assert!(!promo(line), "{line}");
        }
    }

    #[test]
    fn typo_prompts() {
        for line in [
            "Нашли ошибку? Выделите её и нажмите Ctrl+Enter",
            "Mətndə səhv görsəniz, onu seçib Ctrl+Enter düyməsini basın.",
            "Found a typo? Select it and press Ctrl + Enter",
            "Если вы заметили ошибку в тексте, выделите её и нажмите Ctrl+Enter",
            "Xəta tapmısınız? Bizə bildirin.",
            "Vous avez repéré une erreur? Écrivez-nous à corrections@lefleuve.info",
            "Fehler gefunden? Schreiben Sie uns.",
            "¿Has encontrado un error ? Avísanos",
            "Hai trovato un errore? Segnalacelo",
            "Помітили помилку? Виділіть її та натисніть",
            "Zauważyłeś błąd? Napisz do nas",
        ] {
            assert!(is_typo_prompt(line), "{line}");
        }
        // The other languages' phrases need their question mark.
        for line in [
            "Der Prüfer hat den Fehler gefunden und die Zahlen korrigiert.",
            "Les observateurs ont repéré une erreur dans le décompte du bureau 12.",
        ] {
            assert!(!is_typo_prompt(line), "{line}");
        }
        assert!(!is_typo_prompt(
            "The commission said it found an error in the count only after observers filed \
             a complaint, and it corrected the figures of three polling stations on Monday, \
             days after the results had been published and certified by the regional body."
        ));
    }

    #[test]
    fn gallery_counters_and_video_lengths() {
        let media = |line: &str| is_media_line(line, &line.to_lowercase());
        for line in [
            "Фото 1 из 12 · Все фото заседания",
            "Photo 3 of 20",
            "Foto 2/9",
            "Длительность видео: 03:41",
            "Video duration 12:05",
        ] {
            assert!(media(line), "{line}");
        }
        for line in [
            "Фото из зала суда",
            "The court released 3 of the 20 photos.",
            "Длительность заседания составила 3 часа",
            "2 из 12 депутатов проголосовали против",
        ] {
            assert!(!media(line), "{line}");
        }
    }

    #[test]
    fn read_also_lines() {
        let read_also = |line: &str| is_read_also_line(line, &line.to_lowercase());
        for line in [
            "Читайте также: Родственники задержанных активистов пожаловались на запрет передач",
            "Oxuyun: Bakıda iki rayonda su kəsiləcək",
            "Read also — Turnout falls to a record low in the capital",
            "ЧИТАЙТЕ ТАКЖЕ: Суд продлил арест журналисту",
        ] {
            assert!(read_also(line), "{line}");
        }
        for line in [
            // A sentence that goes on after the label, and a label alone.
            "Читайте также: в прошлом году суд уже рассматривал подобную жалобу.",
            "Читайте также:",
            "Read also the commission's statement, which lists every polling station",
            "Related: two",
        ] {
            assert!(!read_also(line), "{line}");
        }
    }

    #[test]
    fn counter_lines() {
        let is_counter = |line: &str| is_counter_line(line, &line.to_lowercase());
        for line in [
            "Просмотров: 1 284",
            "| Просмотров: 1 284 | admin | Комментариев: 3",
            "Oxunub: 2317",
            "Baxış sayı: 912 · 14:20",
            "1,204 views",
            "By Anna Petrova · March 3, 2024 · 2 Comments",
            "Aufrufe: 5.310 | Kommentare (4)",
            "5343 mal gelesen | 32 Kommentare",
            "Читать 3 мин.",
            "5 min read",
            "Reading time: 5 minutes",
            "Время чтения: 3 минуты",
            "Oxuma vaxtı: 3 dəqiqə",
            "Okuma süresi: 3 dakika",
            "12.03.2024 · Lesezeit: 4 Min.",
        ] {
            assert!(is_counter(line), "{line}");
        }
        // A comment counter alone is the comment section's label, left for the tail's trim.
        for line in ["32 Kommentare", "Комментарии (12)"] {
            assert!(!is_counter(line), "{line}");
        }
        for line in [
            "The video had 2 million views by Friday.",
            "Просмотров стало меньше на 12 процентов после блокировки.",
            "Komentarze: nie",
            "Views differ on the 2024 budget | Opinion",
            "Комментарии экспертов к закону о выборах 2024 года",
            "Şərh: 12 deputat qanun layihəsinin əleyhinə səs verib.",
            "Он читал 3 минуты.",
            "Read the 3 minute summary of the ruling here.",
            "Reading the 12 minutes of tape took the jury two days",
        ] {
            assert!(!is_counter(line), "{line}");
        }
    }

    #[test]
    fn advertisement_markings() {
        let is_ad = |line: &str| is_ad_marking(line, &line.to_lowercase());
        for line in [
            "Реклама",
            "— Реклама —",
            "ADVERTISEMENT",
            "Anzeige",
            "Реклама. ООО «Строймаркет», ИНН 5902123456, erid: 2VtzqxYbT7a",
            "Реклама. ИП Петров А. А. Erid 4CQwVszH9pWvbDHNhGU",
            "Story continues below advertisement",
            "Advertisement · Scroll to continue",
            "Advertisement - Scroll to continue",
            "Continue reading the main story",
            "Продолжение ниже",
            "StarWatch may receive a commission when you buy through links on our site.",
            "We may earn a commission from links on this page.",
            "As an Amazon Associate I earn from qualifying purchases.",
            "No commission for us: this post holds no affiliate links.",
            "Letzte Aktualisierung am 2.02.2022 / Bei den Verlinkungen handelt es sich um \
             Affiliate Links / Bilder von der Amazon Product Advertising API",
            "Pantalla y Cable participa en programas de afiliación y puede recibir una \
             comisión por tus compras.",
            "This site participates in affiliate programs and may be paid for purchases.",
        ] {
            assert!(is_ad(line), "{line}");
        }
        for line in [
            "Реклама на выборах запрещена в день голосования.",
            "Advertising revenue fell by a third in 2023.",
            "Реклама. ООО «Строймаркет»",
            "Комиссия попросила указать erid в отчёте.",
            "The story continues below the fold, the editor said.",
            "The commission will decide on the merger by March.",
            "Agents earn a commission when you buy a home through them.",
        ] {
            assert!(!is_ad(line), "{line}");
        }
        // The label goes from between the story's paragraphs; the same word in bold is a
        // section's heading and stays.
        let story = "The policy explains which data the site keeps and for how long.";
        let mut blocks = paragraphs(&[story, "Advertisement", story]);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), [story, story]);
        let mut blocks = paragraphs(&[story, "Advertising", story]);
        blocks[1].emphasised = true;
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), [story, "Advertising", story]);
    }

    #[test]
    fn a_hotlines_box_goes_with_its_numbers() {
        let story = "Наблюдатели зафиксировали 412 нарушений в день голосования, больше всего — на участках при больницах.";
        let mut blocks = paragraphs(&[
            story,
            "Горячая линия",
            "Сообщите о нарушении: 0 800 800 228 (бесплатно), WhatsApp +996 555 120 228",
            story,
        ]);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), [story, story]);
        // The name and the number on one line.
        let mut blocks = paragraphs(&[story, "Qaynar xətt: (012) 555-01-02"]);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), [story]);
        // A notice's contact lines have no hotline's name over them; a story that speaks of
        // a hotline is a sentence, and the dates beside a hotline's name are no numbers.
        let contact = [
            "Kontakt",
            "Telefon: 07161 50 20 41",
            "E-Mail: buergerbuero@example.de",
        ];
        let mut blocks = paragraphs(&contact);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), contact);
        let reported = [
            "В первый день горячая линия приняла 1 200 звонков, сообщили в штабе наблюдателей.",
            "Горячая линия",
            "12.03.2024",
        ];
        let mut blocks = paragraphs(&reported);
        strip_widgets(&mut blocks);
        assert_eq!(
            texts(&blocks),
            reported[..1]
                .iter()
                .chain(&reported[2..])
                .copied()
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn phone_numbers() {
        for text in [
            "0 800 800 228",
            "+7 (423) 230-11-58",
            "Tel. (012) 555-01-02",
            "WhatsApp +996555120228",
        ] {
            assert!(holds_phone_number(text), "{text}");
        }
        for text in [
            "12.03.2024",
            "14:35",
            "1 200 звонков",
            "2019",
            "+0,3400",
            "1234567890123456789",
        ] {
            assert!(!holds_phone_number(text), "{text}");
        }
    }

    #[test]
    fn polls_go_with_their_labels_questions_and_votes() {
        let mut blocks = paragraphs(&[
            "Mərkəzi Seçki Komissiyası 12 namizədin qeydiyyatını ləğv edib, bu barədə komissiyanın iclasında qərar qəbul olunub.",
            "Sorğu",
            "Bələdiyyə seçkilərində səs verəcəksinizmi?",
            "Bəli",
            "Xeyr",
            "Səs ver Nəticələr",
            "Əvvəlki sorğunun nəticələri",
            "Bakıda ictimai nəqliyyatın işindən razısınızmı?",
            "Bəli — 23%",
            "Xeyr — 64%",
            "Səs verənlər: 1 284",
        ]);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks).len(), 1, "{:?}", texts(&blocks));

        let mut blocks = paragraphs(&[
            "The Central Election Commission extended the deadline for observers by five days.",
            "Poll: Will you vote in the parliamentary elections?",
            "Yes, definitely — 41%",
            "No — 29%",
            "Total votes: 2,317",
        ]);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks).len(), 1, "{:?}", texts(&blocks));
    }

    #[test]
    fn a_poll_without_its_label_is_a_question_with_short_answers() {
        let story = "Член комиссии Людмила Гаврилова считает, что пожилым жителям придётся добираться до участка почти два километра.";
        let mut blocks = paragraphs(&[
            story,
            "Вам удобно добираться до своего избирательного участка?",
            "Да, участок рядом с домом",
            "Нет, приходится ехать на транспорте",
            story,
        ]);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), [story, story]);
        // A question answered in prose, or with a single short line, is the story's.
        let interview = [
            "Вы пойдёте на выборы?",
            "Да, конечно.",
            "Почему?",
            "Потому что это мой город",
            story,
        ];
        let mut blocks = paragraphs(&interview);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), interview);
        // A question heading over a list is the story's.
        let mut blocks = vec![Block::new(
            BlockKind::Heading(2),
            "Что изменится?".to_owned(),
            "Что изменится?".to_owned(),
        )];
        blocks.extend(paragraphs(&[
            "Новые адреса участков",
            "Часы работы комиссий",
        ]));
        strip_widgets(&mut blocks);
        assert_eq!(blocks.len(), 3);
    }

    #[test]
    fn election_results_and_survey_findings_are_not_polls() {
        let results = [
            "The commission published the preliminary results on Monday morning.",
            "Results",
            "Ilham Aliyev — 92.12%",
            "Zahid Oruj — 2.2%",
            "Turnout — 76.73%",
            "Total votes: 4,563,152",
            "Observers said the turnout figures could not be reconciled with what they saw.",
        ];
        let mut blocks = paragraphs(&results);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), results);

        let survey = [
            "Социологи опросили 1 600 жителей области в конце августа.",
            "Результаты опроса",
            "Пойдут на выборы — 54%",
            "Не пойдут — 31%",
            "Затрудняются ответить — 15%",
        ];
        let mut blocks = paragraphs(&survey);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), survey);
    }

    #[test]
    fn informers_go_with_their_headings_and_labels() {
        let mut blocks = paragraphs(&[
            "Выборы депутатов районного совета прошли 6–8 сентября, явка составила 41,3 процента.",
            "Курсы валют ЦБ РФ",
            "USD 91,1700 +0,3400",
            "EUR 100,7300 −0,1200",
            "Погода",
            "Заречье",
            "+14°C, облачно, ветер 3 м/с",
        ]);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks).len(), 1, "{:?}", texts(&blocks));
        // A label beside the story, with no informer line, stays.
        let story = [
            "Выборы депутатов районного совета прошли 6–8 сентября.",
            "Правление ассоциации",
            "Погода не помешала избирателям прийти на участки, сообщили в комиссии в понедельник.",
        ];
        let mut blocks = paragraphs(&story);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), story);
        // Nor does a subheading that names what an informer shows.
        let story = [
            "We asked several small-business owners and advisers what they changed.",
            "1. They forecast weekly, not quarterly",
            "Many owners used to look at cash once a month or less, and now do so every week.",
        ];
        let mut blocks = paragraphs(&story);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), story);
        // Prayer times: the informer's heading and its lines, one prayer or all to a line.
        let story = "Rayonda daha iki məktəbin əsaslı təmiri nəzərdə tutulur.";
        let mut blocks = paragraphs(&[
            story,
            "Namaz vaxtları",
            "Sübh 05:42",
            "Günəş 07:10",
            "Zöhr 12:30",
            "Namaz Vakitleri",
            "İmsak 05:42 Güneş 07:10 Öğle 12:30 İkindi 15:05 Akşam 17:40 Yatsı 19:00",
        ]);
        strip_widgets(&mut blocks);
        assert_eq!(texts(&blocks), [story]);
        // A box of other stories right under an informer keeps its label for the
        // read-also pass, which takes the box with it.
        let linked = |text: &str| Block {
            link_chars: 20,
            ..Block::new(BlockKind::Paragraph, text.to_owned(), text.to_owned())
        };
        let mut blocks = paragraphs(&[
            story,
            "Namaz vaxtları",
            "Sübh 05:42",
            "Mövzu ilə bağlı xəbərlər",
        ]);
        blocks.push(linked(
            "Seçki komissiyası məntəqələrin sərhədlərini təsdiqlədi",
        ));
        blocks.push(linked(
            "Müşahidəçilər qutuların çatışmadığından şikayət etdilər",
        ));
        strip_widgets(&mut blocks);
        strip_read_also(&mut blocks);
        assert_eq!(texts(&blocks), [story]);
        for line in [
            "Axşam saat 19:00-da konsert başlayacaq.",
            "Akşam 17:40'ta yola çıktılar",
        ] {
            assert!(!is_prayer_times_line(line), "{line}");
        }
    }

    #[test]
    fn a_call_box_under_a_heading_ends_before_the_story_resumes() {
        let heading = |t: &str| Block::new(BlockKind::Heading(3), t.to_owned(), t.to_owned());
        let story = [
            "Hesab edirik ki, bu təqiblər ölkədə sərbəst jurnalistika üçün qalan son məkanı da aradan qaldırmağa yönəlib. Hakimiyyəti öhdəliklərinə əməl etməyə çağırırıq.",
            "Tələblərimiz:",
            "Bəyanatı imzalayan təşkilatlar:",
            "Regional Media Şəbəkəsi",
        ];
        let mut blocks = paragraphs(&["Biz narahatlığımızı bildiririk."]);
        blocks.push(heading("Bizi dəstəkləyin"));
        blocks.extend(paragraphs(&[
            "Sizin ianəniz jurnalistlərin hüquqi müdafiəsinə yönəldilir.",
        ]));
        blocks.extend(paragraphs(&story));
        strip_calls_to_action(&mut blocks);
        assert_eq!(texts(&blocks)[1..], story);

        // A box's own line that does not speak to the reader still goes with its heading.
        let mut blocks = paragraphs(&["The coalition will publish its findings."]);
        blocks.push(heading("Sign the petition"));
        blocks.extend(paragraphs(&[
            "Tell the authorities to release the detained observers.",
        ]));
        strip_calls_to_action(&mut blocks);
        assert_eq!(texts(&blocks), ["The coalition will publish its findings."]);
    }

    #[test]
    fn an_embedded_posts_frame_goes_and_the_post_stays() {
        let frame = |line: &str| is_embed_frame(line, &line.to_lowercase());
        for line in [
            "Skip twitter post by Environment Agency",
            "End of twitter post by Environment Agency",
            "Skip Instagram content, 2",
            "End of YouTube video",
            "The BCN is not responsible for the content of external sites.",
            "A post shared by talia.brandvold",
        ] {
            assert!(frame(line), "{line}");
        }
        for line in [
            "End of an era: the last Twitter post of the agency went out on Friday.",
            "Skip the queue and book online.",
            "Severe Flood Warnings are in force for the River Severn at Shrewsbury.",
        ] {
            assert!(!frame(line), "{line}");
        }
    }

    #[test]
    fn the_line_about_the_storys_author_goes() {
        for line in [
            "Desmond Achebe-Larkin is a senior film writer at Marquee Weekly.",
            "Perry Bacon Jr. is a senior writer for FiveThirtyEight.",
            "Jane Doe is a staff reporter with the Valley Herald.",
        ] {
            assert!(is_author_bio(line), "{line}");
        }
        for line in [
            "Maria Lopez is a teacher at the village school.",
            "Jane Doe is a reporter for the Herald. She covered the trial from its first day.",
            "The mayor said Jane Doe is a reporter for the Herald.",
            "Jane Doe is a reporter who broke the story of the audit in 2019.",
            "Desmond Achebe-Larkin is a senior film writer at Marquee Weekly",
        ] {
            assert!(!is_author_bio(line), "{line}");
        }
    }

    #[test]
    fn a_hit_counter_goes() {
        let counter = |line: &str| is_visit_counter(line, &line.to_lowercase());
        for line in [
            "Je bent bezoeker nummer 418.203 sinds maart 2009.",
            "You are visitor number 12,345",
            "Sie sind Besucher Nr. 10234",
            "Вы посетитель № 5123",
            "Abbiamo 3 visitatori online",
            "We have 12 guests online",
        ] {
            assert!(counter(line), "{line}");
        }
        for line in [
            "The museum welcomed its millionth visitor on Friday.",
            "Visitor numbers rose by a third in 2023, the council said, after the bridge \
             reopened and the car park was extended.",
            "You are visitor number one in our hearts",
        ] {
            assert!(!counter(line), "{line}");
        }
    }

    #[test]
    fn calls_to_write_to_the_newsroom_go() {
        let call = |line: &str| Shape::of(&paragraphs(&[line])[0]).channel;
        for line in [
            "Tipsa redaktionen: tips@norrviks-tidning.se eller sms till 71 000",
            "Masz temat? Napisz do nas: redakcja@kurierpodlaski24.pl",
            "Got a story? Email newsroom@valleyherald.com",
            "Spotted a mistake? corrections@dailyclarion.co.uk",
            "Have you got a story for us? Call the newsdesk on 01239 555 010",
        ] {
            assert!(call(line), "{line}");
        }
        for line in [
            // A newsroom's address without the question is the page's own text.
            "oder via Email an redaktion@wakenews.net bestellen und Betrag überweisen",
            // An organisation's press contact closes its release.
            "Press contact: Leyla Mammadova, press@humanrights-az.org",
            "Questions? Write to info@parish-hall.org.uk",
            "The news desk moved to the second floor in 2019.",
            // No domain after the mailbox.
            "The handle tips@ was taken, so the group posts as @tipsline.",
            // A longer paragraph that quotes the address.
            "The ministry said complaints about the count could be sent to \
             tips@electionwatch.example, and that every one would be answered within ten \
             working days by the commission's legal department.",
        ] {
            assert!(!call(line), "{line}");
        }
    }

    #[test]
    fn the_publishers_notices_about_a_story_go() {
        let notice = |line: &str| is_publisher_notice(line, &line.to_lowercase());
        for line in [
            "Register to keep reading Cold Chain Logistics Review",
            "Subscribe to continue reading",
            "Log in to continue reading this story.",
            "You may republish this article for free under a Creative Commons license, with \
             credit to the Gulf Bend Observer.",
            "Republish this story",
            "This article is for informational purposes only and is not a substitute for \
             professional medical advice, diagnosis or treatment.",
            "Medically reviewed by Dr. Samuel Oyinlola, MD, pediatric infectious disease",
            "You must be logged in to post a comment.",
            "Добавлять комментарии могут только зарегистрированные пользователи",
            "This page was last reviewed on 12 January 2024",
            "Page last reviewed: 12/01/2024",
            "Esta noticia procede de nuestra hemeroteca y puede contener errores de formato.",
            "This material may not be published, broadcast, rewritten or redistributed.",
            "A version of this article appears in print on Jan. 14, 2025, Section B, Page 11 \
             of the National edition.",
            "Sorry, this entry is only available in Georgian.",
            "Эта запись доступна только на грузинском языке. Русская версия готовится.",
            "Мнения авторов рубрики могут не совпадать с позицией редакции.",
            "Redaksiyanın mövqeyi müəllifin fikirləri ilə üst-üstə düşməyə bilər.",
            "The views expressed here do not necessarily reflect those of the Gazette.",
            "Материал (информация) произведён и (или) распространён иностранным агентом или \
             касается деятельности иностранного агента. 18+",
            "You can follow any responses to this entry through the RSS 2.0 feed.",
            "Посетители, находящиеся в группе Гости, не могут оставлять комментарии к данной \
             публикации.",
            "Visitors in the group Guests cannot leave comments on this publication.",
            "Názory čtenářů nevyjadřují stanovisko redakce.",
            "التعليقات المنشورة تعبر عن آراء أصحابها ولا تعبر بالضرورة عن رأي الصحيفة.",
            "免责声明：本网转载其他媒体之稿件，意在为公众提供免费服务。",
            "Last edited by Mihai_C on 21.01.10, edited 1 time in total.",
            "Уважаемый посетитель, Вы зашли на сайт как незарегистрированный пользователь.",
            "Hörmətli ziyarətçi, siz sayta qeydiyyatdan keçməmiş istifadəçi kimi daxil \
             olmusunuz.",
            "Was this page helpful?",
            "Oliko sivun tieto hyödyllistä?",
        ] {
            assert!(notice(line), "{line}");
        }
        for line in [
            "She stopped to keep reading the letter before the hearing resumed.",
            "The agency refused to let other outlets republish the photographs.",
            "Dr. Oyinlola said parents should seek medical advice if a rash appears.",
            "Comments on the draft law were collected until Friday, the ministry said.",
            "The panel last reviewed the page's claims in 2019, the report says.",
            "Минюст признал организацию иностранным агентом в пятницу.",
            "Позиция редакции по этому вопросу не изменилась.",
            "The survey asked whether the new timetable was helpful to commuters.",
            // A story's paragraph that goes on longer than a notice.
            "Readers who register to keep reading the archive will be asked for an email \
             address, the publisher said on Tuesday, adding that the change would apply to \
             every title in the group from March and that older stories would stay free for \
             students and libraries.",
        ] {
            assert!(!notice(line), "{line}");
        }
    }

    #[test]
    fn tip_boxes_and_appeals_to_support_the_sites_journalism_go() {
        let heading = |t: &str| Block::new(BlockKind::Heading(3), t.to_owned(), t.to_owned());
        let story = "A spokesperson declined to answer further questions, citing the ongoing \
            investigation, and the company did not say how long the attackers had access.";
        for (call, line) in [
            (
                "Got a tip?",
                "Contact us securely. Signal: +1 415-555-0199 or email tips@techbyte.io",
            ),
            (
                "Support Signal's explanatory journalism",
                "Every day, our team explains the news that shapes your life. Will you help?",
            ),
            (
                "I hope you appreciated this article.",
                "Before you move on, I wonder if you would consider supporting us.",
            ),
        ] {
            let mut blocks = paragraphs(&[story]);
            blocks.push(heading(call));
            blocks.extend(paragraphs(&[line, story]));
            strip_calls_to_action(&mut blocks);
            assert_eq!(texts(&blocks), [story, story], "{call}");
        }
        // A story's sentence about support for a newsroom opens otherwise.
        let report = "Support for local journalism grew in the county last year.";
        let mut blocks = paragraphs(&[story, report]);
        strip_calls_to_action(&mut blocks);
        assert_eq!(texts(&blocks), [story, report]);
    }

    #[test]
    fn a_donation_box_without_class_names_goes_with_its_lines() {
        let story = [
            "Editors of four online outlets said they had not been consulted on the draft.",
            "The draft is expected to reach parliament before the end of the year.",
        ];
        let mut blocks = paragraphs(&[
            story[0],
            "Independent journalism needs you.",
            "Give today and help us defend reporters across the region.",
            story[1],
            "Stay informed",
            "Get our statements and research in your inbox.",
        ]);
        strip_calls_to_action(&mut blocks);
        assert_eq!(texts(&blocks), story);
        // A call that opens with a capital "İ" (lower-cased with a dot above the i).
        let story = [
            "Redaksiya layihənin müzakirəsinə dəvət olunmayıb.",
            story[1],
        ];
        let mut blocks = paragraphs(&[story[0], "İanə edin", story[1]]);
        strip_calls_to_action(&mut blocks);
        assert_eq!(texts(&blocks), story);
    }

    #[test]
    fn headlines_of_other_stories_with_their_times() {
        let story = "Два избирательных участка прекратили приём избирателей за три часа до окончания голосования.";
        let blocks = paragraphs(&[
            story,
            "В Верхнеречье открыли новый мост через реку Вежу",
            "Вчера, 18:40",
            "Цены на бензин в районе выросли третью неделю подряд",
            "Вчера, 16:12",
            "Новую школу на улице Ленина достроят к декабрю",
            "7 сентября, 12:03",
        ]);
        assert_eq!(other_stories_start(&blocks), Some(1));
        let blocks = paragraphs(&[
            story,
            "18:30 Bakıda sabah güclü külək olacaq",
            "18:12 Neftin qiyməti yenidən ucuzlaşıb",
            "17:55 Qaxda yeni məktəb binası istifadəyə verilib",
        ]);
        assert_eq!(other_stories_start(&blocks), Some(1));
        // Closing lines without times are left to the story.
        let blocks = paragraphs(&[
            story,
            "Anar Məmmədli, Seçki Monitorinq Mərkəzinin sədri",
            "Elçin Qasımov, Şəki bələdiyyəsinə namizəd",
            "Mirvari Qəhrəmanlı, Neftçilərin Hüquqlarının Müdafiə Təşkilatı",
        ]);
        assert_eq!(other_stories_start(&blocks), None);
    }
}
