//! The words of dates, per language: month names, time-zone abbreviations, and the labels
//! pages put before a date to say what it is ("Veröffentlicht am", "Обновлено", "Stand:").
//!
//! Kept apart from the parsing in [`super::dates`] so that adding a language is adding rows
//! here. Languages: English, Russian, Ukrainian, Azerbaijani, Turkish, German, French,
//! Spanish, Portuguese, Italian, Polish, Dutch, Czech, Slovak, Hungarian, Romanian, Finnish,
//! the Scandinavian languages, Indonesian, Serbian and Bosnian (Latin), Bulgarian, Greek,
//! the region's Kazakh, Uzbek, Tajik, Turkmen, Belarusian, Georgian and Armenian, Arabic
//! month names (Mashriq, Maghreb and Levantine sets), Hindi and Bengali, and the months of
//! two other calendars: Iran's Solar Hijri and Thailand's, whose years count the Buddhist
//! era. That is what gleaner's sources write, and the languages of the web pages the
//! evaluation draws on. Chinese, Japanese and Korean write months as numbers ("2021年3月3日")
//! and need no names.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::chars::visible_chars;

/// Month names and abbreviations, lower-case, with their month number. Inflected forms
/// (Russian, Ukrainian and Polish genitive: "3 сентября", "5 травня", "28 kwietnia") are
/// listed as words of their own. Abbreviations that are common words of another language
/// ("set", "out", "lut" aside) are left out: a date needs the full name there.
pub const MONTHS: &[(&str, u32)] = &[
    // English
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
    // Russian: genitive, nominative, abbreviations
    ("января", 1),
    ("январь", 1),
    ("янв", 1),
    ("февраля", 2),
    ("февраль", 2),
    ("фев", 2),
    ("февр", 2),
    ("марта", 3),
    ("март", 3),
    ("мар", 3),
    ("апреля", 4),
    ("апрель", 4),
    ("апр", 4),
    ("мая", 5),
    ("май", 5),
    ("июня", 6),
    ("июнь", 6),
    ("июн", 6),
    ("июля", 7),
    ("июль", 7),
    ("июл", 7),
    ("августа", 8),
    ("август", 8),
    ("авг", 8),
    ("сентября", 9),
    ("сентябрь", 9),
    ("сен", 9),
    ("сент", 9),
    ("октября", 10),
    ("октябрь", 10),
    ("окт", 10),
    ("ноября", 11),
    ("ноябрь", 11),
    ("ноя", 11),
    ("нояб", 11),
    ("декабря", 12),
    ("декабрь", 12),
    ("дек", 12),
    // Ukrainian: genitive, nominative, abbreviations
    ("січня", 1),
    ("січень", 1),
    ("січ", 1),
    ("лютого", 2),
    ("лютий", 2),
    ("лют", 2),
    ("березня", 3),
    ("березень", 3),
    ("бер", 3),
    ("квітня", 4),
    ("квітень", 4),
    ("квіт", 4),
    ("травня", 5),
    ("травень", 5),
    ("трав", 5),
    ("червня", 6),
    ("червень", 6),
    ("черв", 6),
    ("липня", 7),
    ("липень", 7),
    ("лип", 7),
    ("серпня", 8),
    ("серпень", 8),
    ("серп", 8),
    ("вересня", 9),
    ("вересень", 9),
    ("вер", 9),
    ("жовтня", 10),
    ("жовтень", 10),
    ("жовт", 10),
    ("листопада", 11),
    ("листопад", 11),
    ("груд", 12),
    ("грудня", 12),
    ("грудень", 12),
    // Azerbaijani
    ("yanvar", 1),
    ("fevral", 2),
    ("mart", 3),
    ("aprel", 4),
    ("may", 5),
    ("iyun", 6),
    ("iyul", 7),
    ("avqust", 8),
    ("sentyabr", 9),
    ("oktyabr", 10),
    ("noyabr", 11),
    ("dekabr", 12),
    // Turkish, also as typed without Turkish letters
    ("ocak", 1),
    ("şubat", 2),
    ("subat", 2),
    ("nisan", 4),
    ("mayıs", 5),
    ("mayis", 5),
    ("haziran", 6),
    ("temmuz", 7),
    ("ağustos", 8),
    ("agustos", 8),
    ("eylül", 9),
    ("eylul", 9),
    ("ekim", 10),
    ("kasım", 11),
    ("kasim", 11),
    ("aralık", 12),
    ("aralik", 12),
    // Turkish abbreviations ("14 Şub 2022"); "mar" and "may" are above
    ("oca", 1),
    ("şub", 2),
    ("nis", 4),
    ("haz", 6),
    ("tem", 7),
    ("ağu", 8),
    ("eyl", 9),
    ("eki", 10),
    ("kas", 11),
    ("ara", 12),
    // German (with Austrian Jänner and Feber)
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("feber", 2),
    ("märz", 3),
    ("mär", 3),
    ("mrz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("okt", 10),
    ("dezember", 12),
    ("dez", 12),
    // French
    ("janvier", 1),
    ("janv", 1),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("fév", 2),
    ("mars", 3),
    ("avril", 4),
    ("avr", 4),
    ("juin", 6),
    ("juillet", 7),
    ("juil", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    ("déc", 12),
    // Spanish
    ("enero", 1),
    ("ene", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("abr", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("ago", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("dic", 12),
    // Portuguese
    ("janeiro", 1),
    ("fevereiro", 2),
    ("fev", 2),
    ("março", 3),
    ("marco", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("novembro", 11),
    ("dezembro", 12),
    // Italian
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    // Polish: genitive, nominative
    ("stycznia", 1),
    ("styczeń", 1),
    ("lutego", 2),
    ("luty", 2),
    ("marca", 3),
    ("marzec", 3),
    ("kwietnia", 4),
    ("kwiecień", 4),
    ("maja", 5),
    ("maj", 5),
    ("czerwca", 6),
    ("czerwiec", 6),
    ("lipca", 7),
    ("lipiec", 7),
    ("sierpnia", 8),
    ("sierpień", 8),
    ("września", 9),
    ("wrzesień", 9),
    ("października", 10),
    ("październik", 10),
    ("listopada", 11),
    ("grudnia", 12),
    ("grudzień", 12),
    // Polish abbreviations, as forums and calendars write them ("Pon Lut 12, 2012"); "lis"
    // is left out with "listopad" (October in Croatian)
    ("sty", 1),
    ("lut", 2),
    ("kwi", 4),
    ("cze", 6),
    ("lip", 7),
    ("sie", 8),
    ("wrz", 9),
    ("paź", 10),
    ("gru", 12),
    // Dutch
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
    // Czech: genitive, nominative
    ("ledna", 1),
    ("leden", 1),
    ("února", 2),
    ("únor", 2),
    ("března", 3),
    ("březen", 3),
    ("dubna", 4),
    ("duben", 4),
    ("května", 5),
    ("květen", 5),
    ("června", 6),
    ("červen", 6),
    ("července", 7),
    ("červenec", 7),
    ("srpna", 8),
    ("srpen", 8),
    ("září", 9),
    ("října", 10),
    ("říjen", 10),
    ("prosince", 12),
    ("prosinec", 12),
    // Slovak: genitive
    ("januára", 1),
    ("februára", 2),
    ("apríla", 4),
    ("mája", 5),
    ("júna", 6),
    ("júla", 7),
    ("augusta", 8),
    ("septembra", 9),
    ("októbra", 10),
    ("novembra", 11),
    ("decembra", 12),
    // Hungarian, with the abbreviations newspapers print
    ("január", 1),
    ("február", 2),
    ("febr", 2),
    ("március", 3),
    ("márc", 3),
    ("április", 4),
    ("ápr", 4),
    ("május", 5),
    ("máj", 5),
    ("június", 6),
    ("jún", 6),
    ("július", 7),
    ("júl", 7),
    ("augusztus", 8),
    ("szeptember", 9),
    ("szept", 9),
    ("október", 10),
    // Romanian
    ("ianuarie", 1),
    ("februarie", 2),
    ("martie", 3),
    ("aprilie", 4),
    ("iunie", 6),
    ("iulie", 7),
    ("septembrie", 9),
    ("octombrie", 10),
    ("noiembrie", 11),
    ("decembrie", 12),
    // Finnish: partitive, as dates write them ("3. maaliskuuta 2021")
    ("tammikuuta", 1),
    ("helmikuuta", 2),
    ("maaliskuuta", 3),
    ("huhtikuuta", 4),
    ("toukokuuta", 5),
    ("kesäkuuta", 6),
    ("heinäkuuta", 7),
    ("elokuuta", 8),
    ("syyskuuta", 9),
    ("lokakuuta", 10),
    ("marraskuuta", 11),
    ("joulukuuta", 12),
    // Danish, Norwegian and Swedish
    ("marts", 3),
    ("augusti", 8),
    ("desember", 12),
    // Lithuanian: genitive, as dates write them ("2004 m. kovo 14 d."), and nominative
    ("sausio", 1),
    ("vasario", 2),
    ("kovo", 3),
    ("balandžio", 4),
    ("gegužės", 5),
    ("birželio", 6),
    ("liepos", 7),
    ("rugpjūčio", 8),
    ("rugsėjo", 9),
    ("spalio", 10),
    ("lapkričio", 11),
    ("gruodžio", 12),
    ("sausis", 1),
    ("vasaris", 2),
    ("kovas", 3),
    ("balandis", 4),
    ("gegužė", 5),
    ("birželis", 6),
    ("liepa", 7),
    ("rugpjūtis", 8),
    ("rugsėjis", 9),
    ("spalis", 10),
    ("lapkritis", 11),
    ("gruodis", 12),
    // Latvian: nominative, genitive and locative
    ("janvāris", 1),
    ("februāris", 2),
    ("aprīlis", 4),
    ("maijs", 5),
    ("jūnijs", 6),
    ("jūlijs", 7),
    ("augusts", 8),
    ("septembris", 9),
    ("oktobris", 10),
    ("novembris", 11),
    ("decembris", 12),
    ("janvāra", 1),
    ("februāra", 2),
    ("marta", 3),
    ("aprīļa", 4),
    ("maija", 5),
    ("jūnija", 6),
    ("jūlija", 7),
    ("oktobra", 10),
    ("janvārī", 1),
    ("februārī", 2),
    ("martā", 3),
    ("aprīlī", 4),
    ("maijā", 5),
    ("jūnijā", 6),
    ("jūlijā", 7),
    ("augustā", 8),
    ("septembrī", 9),
    ("oktobrī", 10),
    ("novembrī", 11),
    ("decembrī", 12),
    // Estonian
    ("jaanuar", 1),
    ("veebruar", 2),
    ("märts", 3),
    ("aprill", 4),
    ("juuni", 6),
    ("juuli", 7),
    ("oktoober", 10),
    ("detsember", 12),
    // Icelandic
    ("janúar", 1),
    ("febrúar", 2),
    ("apríl", 4),
    ("maí", 5),
    ("júní", 6),
    ("júlí", 7),
    ("ágúst", 8),
    ("nóvember", 11),
    // Slovenian: nominative and genitive ("12. marca 2024")
    ("marec", 3),
    ("junij", 6),
    ("julij", 7),
    ("januarja", 1),
    ("februarja", 2),
    ("aprila", 4),
    ("junija", 6),
    ("julija", 7),
    ("avgusta", 8),
    // Catalan
    ("gener", 1),
    ("febrer", 2),
    ("març", 3),
    ("maig", 5),
    ("juny", 6),
    ("juliol", 7),
    ("agost", 8),
    ("setembre", 9),
    ("desembre", 12),
    // Galician
    ("xaneiro", 1),
    ("febreiro", 2),
    ("xuño", 6),
    ("xullo", 7),
    ("decembro", 12),
    // Albanian
    ("janar", 1),
    ("shkurt", 2),
    ("prill", 4),
    ("qershor", 6),
    ("korrik", 7),
    ("gusht", 8),
    ("shtator", 9),
    ("tetor", 10),
    ("nëntor", 11),
    ("dhjetor", 12),
    // Indonesian and Malay
    ("maret", 3),
    ("agustus", 8),
    // Serbian, Bosnian and Croatian in Latin script where they name months as English
    // does, and Croatian's own names, genitive ("22. lipnja 2020.") and nominative, but for
    // October's: "listopad" is November in Polish and Czech
    ("siječnja", 1),
    ("siječanj", 1),
    ("veljače", 2),
    ("veljača", 2),
    ("ožujka", 3),
    ("ožujak", 3),
    ("travnja", 4),
    ("travanj", 4),
    ("svibnja", 5),
    ("svibanj", 5),
    ("lipnja", 6),
    ("lipanj", 6),
    ("srpnja", 7),
    ("srpanj", 7),
    ("kolovoza", 8),
    ("kolovoz", 8),
    ("rujna", 9),
    ("rujan", 9),
    ("studenoga", 11),
    ("studenog", 11),
    ("studeni", 11),
    ("prosinca", 12),
    ("prosinac", 12),
    ("avgust", 8),
    ("septembar", 9),
    ("oktobar", 10),
    ("novembar", 11),
    ("decembar", 12),
    // Bulgarian and Macedonian
    ("януари", 1),
    ("февруари", 2),
    ("април", 4),
    ("юни", 6),
    ("юли", 7),
    ("септември", 9),
    ("октомври", 10),
    ("ноември", 11),
    ("декември", 12),
    // Greek: genitive, as dates write them
    ("ιανουαρίου", 1),
    ("φεβρουαρίου", 2),
    ("μαρτίου", 3),
    ("απριλίου", 4),
    ("μαΐου", 5),
    ("ιουνίου", 6),
    ("ιουλίου", 7),
    ("αυγούστου", 8),
    ("σεπτεμβρίου", 9),
    ("οκτωβρίου", 10),
    ("νοεμβρίου", 11),
    ("δεκεμβρίου", 12),
    // Kazakh
    ("қаңтар", 1),
    ("ақпан", 2),
    ("наурыз", 3),
    ("сәуір", 4),
    ("мамыр", 5),
    ("маусым", 6),
    ("шілде", 7),
    ("тамыз", 8),
    ("қыркүйек", 9),
    ("қазан", 10),
    ("қараша", 11),
    ("желтоқсан", 12),
    // Uzbek (Latin) where it differs from Azerbaijani
    ("sentabr", 9),
    ("oktabr", 10),
    // Tajik
    ("январ", 1),
    ("феврал", 2),
    ("апрел", 4),
    ("сентябр", 9),
    ("октябр", 10),
    ("ноябр", 11),
    ("декабр", 12),
    // Turkmen
    ("ýanwar", 1),
    ("fewral", 2),
    ("maý", 5),
    ("iýun", 6),
    ("iýul", 7),
    ("awgust", 8),
    ("sentýabr", 9),
    ("oktýabr", 10),
    ("noýabr", 11),
    // Belarusian: genitive, as dates write them, and nominative
    ("студзеня", 1),
    ("лютага", 2),
    ("сакавіка", 3),
    ("красавіка", 4),
    ("чэрвеня", 6),
    ("ліпеня", 7),
    ("жніўня", 8),
    ("верасня", 9),
    ("кастрычніка", 10),
    ("лістапада", 11),
    ("снежня", 12),
    ("студзень", 1),
    ("сакавік", 3),
    ("красавік", 4),
    ("чэрвень", 6),
    ("ліпень", 7),
    ("жнівень", 8),
    ("верасень", 9),
    ("кастрычнік", 10),
    ("лістапад", 11),
    ("снежань", 12),
    // Georgian
    ("იანვარი", 1),
    ("თებერვალი", 2),
    ("მარტი", 3),
    ("აპრილი", 4),
    ("მაისი", 5),
    ("ივნისი", 6),
    ("ივლისი", 7),
    ("აგვისტო", 8),
    ("სექტემბერი", 9),
    ("ოქტომბერი", 10),
    ("ნოემბერი", 11),
    ("დეკემბერი", 12),
    // Armenian: genitive, as dates write them, and nominative
    ("հունվարի", 1),
    ("փետրվարի", 2),
    ("մարտի", 3),
    ("ապրիլի", 4),
    ("մայիսի", 5),
    ("հունիսի", 6),
    ("հուլիսի", 7),
    ("օգոստոսի", 8),
    ("սեպտեմբերի", 9),
    ("հոկտեմբերի", 10),
    ("նոյեմբերի", 11),
    ("դեկտեմբերի", 12),
    ("հունվար", 1),
    ("փետրվար", 2),
    ("մարտ", 3),
    ("ապրիլ", 4),
    ("մայիս", 5),
    ("հունիս", 6),
    ("հուլիս", 7),
    ("օգոստոս", 8),
    ("սեպտեմբեր", 9),
    ("հոկտեմբեր", 10),
    ("նոյեմբեր", 11),
    ("դեկտեմբեր", 12),
    // Arabic: Mashriq/Egyptian, Maghreb (French-derived), Levantine (Syriac-derived)
    ("يناير", 1),
    ("جانفي", 1),
    ("فبراير", 2),
    ("فيفري", 2),
    ("شباط", 2),
    ("مارس", 3),
    ("آذار", 3),
    ("أبريل", 4),
    ("ابريل", 4),
    ("أفريل", 4),
    ("نيسان", 4),
    ("مايو", 5),
    ("ماي", 5),
    ("أيار", 5),
    ("يونيو", 6),
    ("جوان", 6),
    ("حزيران", 6),
    ("يوليو", 7),
    ("جويلية", 7),
    ("تموز", 7),
    ("أغسطس", 8),
    ("أوت", 8),
    ("آب", 8),
    ("سبتمبر", 9),
    ("أيلول", 9),
    ("أكتوبر", 10),
    ("اكتوبر", 10),
    ("نوفمبر", 11),
    ("ديسمبر", 12),
    // Hindi, with the spellings of the nasal (सितंबर, सितम्बर) and of the nukta (फ़रवरी as
    // one letter or two) that pages use
    ("जनवरी", 1),
    ("फ़रवरी", 2),
    ("\u{95E}रवरी", 2),
    ("फरवरी", 2),
    ("मार्च", 3),
    ("अप्रैल", 4),
    ("अप्रेल", 4),
    ("मई", 5),
    ("जून", 6),
    ("जुलाई", 7),
    ("अगस्त", 8),
    ("सितंबर", 9),
    ("सितम्बर", 9),
    ("अक्टूबर", 10),
    ("अक्तूबर", 10),
    ("नवंबर", 11),
    ("नवम्बर", 11),
    ("दिसंबर", 12),
    ("दिसम्बर", 12),
    // Bengali, with য় as one letter (U+09DF) or two, and both long and short final vowels
    ("জানুয়ারি", 1),
    ("জানুয়ারী", 1),
    ("জানু\u{9DF}ারি", 1),
    ("জানু\u{9DF}ারী", 1),
    ("ফেব্রুয়ারি", 2),
    ("ফেব্রুয়ারী", 2),
    ("ফেব্রু\u{9DF}ারি", 2),
    ("ফেব্রু\u{9DF}ারী", 2),
    ("মার্চ", 3),
    ("এপ্রিল", 4),
    ("মে", 5),
    ("জুন", 6),
    ("জুলাই", 7),
    ("আগস্ট", 8),
    ("অগাস্ট", 8),
    ("সেপ্টেম্বর", 9),
    ("অক্টোবর", 10),
    ("নভেম্বর", 11),
    ("ডিসেম্বর", 12),
];

static MONTH_INDEX: LazyLock<HashMap<&'static str, u32>> =
    LazyLock::new(|| MONTHS.iter().copied().collect());

/// The month a name or abbreviation stands for, in any case, with or without a final dot.
pub fn month_number(word: &str) -> Option<u32> {
    number_of(&MONTH_INDEX, word)
}

/// A word's number in one of the tables above, in any case, with or without a final dot.
/// Turkish and Azerbaijani capital `İ` is the plain `i` the tables list ("04 İyun 2024").
fn number_of(index: &HashMap<&'static str, u32>, word: &str) -> Option<u32> {
    let lower = super::clean::lower_for_lists(word.trim_end_matches('.'));
    index.get(lower.as_str()).copied()
}

/// Weekday names and abbreviations, lower-case, numbered from Monday (0) to Sunday (6): a
/// weekday before an all-numeric date settles which of its numbers is the day ("Tue,
/// 03/05/2024" is the 5th of March, a Tuesday; the 3rd of May 2024 was a Friday).
/// Abbreviations that are common words of another language are left out.
pub const WEEKDAYS: &[(&str, u32)] = &[
    // English
    ("monday", 0),
    ("mon", 0),
    ("tuesday", 1),
    ("tue", 1),
    ("tues", 1),
    ("wednesday", 2),
    ("wed", 2),
    ("thursday", 3),
    ("thu", 3),
    ("thur", 3),
    ("thurs", 3),
    ("friday", 4),
    ("fri", 4),
    ("saturday", 5),
    ("sat", 5),
    ("sunday", 6),
    ("sun", 6),
    // Russian
    ("понедельник", 0),
    ("пн", 0),
    ("вторник", 1),
    ("вт", 1),
    ("среда", 2),
    ("ср", 2),
    ("четверг", 3),
    ("чт", 3),
    ("пятница", 4),
    ("пт", 4),
    ("суббота", 5),
    ("сб", 5),
    ("воскресенье", 6),
    ("вс", 6),
    // Ukrainian
    ("понеділок", 0),
    ("вівторок", 1),
    ("середа", 2),
    ("четвер", 3),
    ("пʼятниця", 4),
    ("п'ятниця", 4),
    ("субота", 5),
    ("неділя", 6),
    // Azerbaijani and Turkish
    // ("bazar ertəsi", Monday, "çərşənbə axşamı", Tuesday, "cümə axşamı", Thursday, end in
    // words of their own and are not read.)
    ("çərşənbə", 2),
    ("cümə", 4),
    ("şənbə", 5),
    ("bazar", 6),
    ("pazartesi", 0),
    ("salı", 1),
    ("çarşamba", 2),
    ("perşembe", 3),
    ("cuma", 4),
    ("cumartesi", 5),
    ("pazar", 6),
    // German
    ("montag", 0),
    ("dienstag", 1),
    ("mittwoch", 2),
    ("donnerstag", 3),
    ("freitag", 4),
    ("samstag", 5),
    ("sonnabend", 5),
    ("sonntag", 6),
    // French
    ("lundi", 0),
    ("mardi", 1),
    ("mercredi", 2),
    ("jeudi", 3),
    ("vendredi", 4),
    ("samedi", 5),
    ("dimanche", 6),
    // Spanish
    ("lunes", 0),
    ("martes", 1),
    ("miércoles", 2),
    ("jueves", 3),
    ("viernes", 4),
    ("sábado", 5),
    ("domingo", 6),
];

static WEEKDAY_INDEX: LazyLock<HashMap<&'static str, u32>> =
    LazyLock::new(|| WEEKDAYS.iter().copied().collect());

/// The months of Iran's Solar Hijri calendar, as Persian writes them ("۱۷ مهر ۱۴۰۳").
const SOLAR_HIJRI_MONTHS: &[(&str, u32)] = &[
    ("فروردین", 1),
    ("اردیبهشت", 2),
    ("خرداد", 3),
    ("تیر", 4),
    ("مرداد", 5),
    ("امرداد", 5),
    ("شهریور", 6),
    ("مهر", 7),
    ("آبان", 8),
    ("آذر", 9),
    ("دی", 10),
    ("بهمن", 11),
    ("اسفند", 12),
];

/// The months of the Thai calendar, in full ("ตุลาคม") and abbreviated ("ต.ค."). Its years
/// count the Buddhist era, 543 ahead of the Common Era: "25 ตุลาคม พ.ศ. 2565" is 2022.
const THAI_MONTHS: &[(&str, u32)] = &[
    ("มกราคม", 1),
    ("ม.ค", 1),
    ("กุมภาพันธ์", 2),
    ("ก.พ", 2),
    ("มีนาคม", 3),
    ("มี.ค", 3),
    ("เมษายน", 4),
    ("เม.ย", 4),
    ("พฤษภาคม", 5),
    ("พ.ค", 5),
    ("มิถุนายน", 6),
    ("มิ.ย", 6),
    ("กรกฎาคม", 7),
    ("ก.ค", 7),
    ("สิงหาคม", 8),
    ("ส.ค", 8),
    ("กันยายน", 9),
    ("ก.ย", 9),
    ("ตุลาคม", 10),
    ("ต.ค", 10),
    ("พฤศจิกายน", 11),
    ("พ.ย", 11),
    ("ธันวาคม", 12),
    ("ธ.ค", 12),
];

/// The month a Thai month name or abbreviation stands for, with or without a final dot.
pub fn thai_month(word: &str) -> Option<u32> {
    number_in(THAI_MONTHS, word.trim_end_matches('.'))
}

/// The Solar Hijri month (1 = Farvardin) a Persian month name stands for.
pub fn solar_hijri_month(word: &str) -> Option<u32> {
    number_in(SOLAR_HIJRI_MONTHS, word)
}

/// A word's number in a short table of a script without case, spelled exactly.
fn number_in(table: &[(&str, u32)], word: &str) -> Option<u32> {
    table
        .iter()
        .find(|(name, _)| *name == word)
        .map(|&(_, number)| number)
}

/// The weekday (0 = Monday) a name or abbreviation stands for, in any case, with or without
/// a final dot.
pub fn weekday_number(word: &str) -> Option<u32> {
    number_of(&WEEKDAY_INDEX, word)
}

/// Zone abbreviations pages print after a time, with their offset in minutes. Only the
/// unambiguous ones: `CST` (China or US Central), `IST` (India, Ireland or Israel) and `BST`
/// (British Summer or Bangladesh) name different zones on different sites, so a time given
/// with them keeps no offset rather than a guessed one.
pub const ZONES: &[(&str, i32)] = &[
    ("utc", 0),
    ("gmt", 0),
    ("z", 0),
    ("wet", 0),
    ("west", 60),
    ("cet", 60),
    ("cest", 120),
    ("mez", 60),
    ("mesz", 120),
    ("eet", 120),
    ("eest", 180),
    ("msk", 180),
    ("мск", 180),
    ("trt", 180),
    ("azt", 240),
    ("est", -300),
    ("edt", -240),
    ("cdt", -300),
    ("mst", -420),
    ("mdt", -360),
    ("pst", -480),
    ("pdt", -420),
];

/// The zone abbreviations of [`ZONES`] as a regex alternation, upper-case as pages print
/// them (matched case-sensitively: "est" and "z" are words too), longest first. Latin ones
/// must end at an ASCII word boundary ("Z" is not the start of "Zürich"); the others
/// ("МСК") are matched as they are, since an ASCII boundary never follows a Cyrillic letter.
pub fn zone_alternation() -> String {
    let mut names: Vec<String> = ZONES.iter().map(|(name, _)| name.to_uppercase()).collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.chars().count()));
    let (ascii, other): (Vec<String>, Vec<String>) =
        names.into_iter().partition(|name| name.is_ascii());
    let mut alternation = format!("(?:{})(?-u:\\b)", ascii.join("|"));
    for name in other {
        alternation.push('|');
        alternation.push_str(&name);
    }
    alternation
}

/// The offset of a zone abbreviation, in minutes east of UTC.
pub fn zone_minutes(name: &str) -> Option<i32> {
    let lower = name.to_lowercase();
    ZONES
        .iter()
        .find(|(zone, _)| *zone == lower)
        .map(|&(_, minutes)| minutes)
}

/// What a label next to a date says the date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// "Published", "Veröffentlicht am", "Опубликовано", "Posted on", "Datum:".
    Published,
    /// "Updated", "Aktualisiert", "Stand:", "Обновлено", "mis à jour", "last edited".
    Modified,
    /// A date that is not the page's at all: "Printed", "Wydrukowano", "Abgerufen am".
    Other,
}

/// Labels of a modification, lower-case. Checked before [`PUBLISHED_LABELS`]: "last
/// published update" is an update.
const MODIFIED_LABELS: &[&str] = &[
    "updated",
    "update:",
    "last update",
    "last modified",
    "last edited",
    "last changed",
    "modified",
    "revised",
    "aktualisiert",
    "letzte aktualisierung",
    "letztes update",
    "zuletzt aktualisiert",
    "zuletzt bearbeitet",
    "zuletzt geändert",
    "letzte änderung",
    "geändert am",
    "stand:",
    "stand ",
    "mis à jour",
    "mise à jour",
    "modifié le",
    "actualizado",
    "actualización",
    "última actualización",
    "ultima actualizacion",
    "atualizado",
    "atualização",
    "aggiornato",
    "aggiornamento",
    "ultima modifica",
    "zaktualizowano",
    "aktualizacja",
    "bijgewerkt",
    "обновлено",
    "обновлен",
    "обновление",
    "изменено",
    "последнее изменение",
    "дата изменения",
    "дата обновления",
    "оновлено",
    "оновлення",
    "дата оновлення",
    "змінено",
    "остання зміна",
    "yenilənib",
    "yeniləndi",
    "yenilənmə",
    "güncellendi",
    "güncelleme",
    "güncellenme",
    "son güncelleme",
    "aktualizováno",
    "aktualizované",
    "poslední úprava",
    "naposledy upraveno",
    "frissítve",
    "frissítés",
    "actualizat",
    "päivitetty",
    "opdateret",
    "oppdatert",
    "uppdaterad",
    "diperbarui",
    "жаңартылды",
    "yangilandi",
    "абноўлена",
    "განახლდა",
    "განახლებულია",
    "թարմացվել",
    "ενημέρωση",
    "更新日",
    "更新时间",
    "更新時間",
    "最終更新",
    "수정",
    // Arabic, Persian and Hebrew
    "آخر تحديث",
    "تم التحديث",
    "آخرین به‌روزرسانی",
    "به‌روزرسانی",
    "بروزرسانی",
    "עודכן",
    "עדכון אחרון",
];

/// Labels of a publication, lower-case.
const PUBLISHED_LABELS: &[&str] = &[
    "published",
    "publication date",
    "posted",
    "submitted",
    "created",
    "written",
    "first published",
    "date:",
    "dated",
    "veröffentlicht",
    "erschienen",
    "erstellt",
    "eingestellt am",
    "publiziert",
    "eingetragen am",
    "datum",
    "vom ",
    "publié",
    "publie le",
    "créé le",
    "publicado",
    "publicada",
    "fecha",
    "postado",
    "pubblicato",
    "inserito il",
    "opublikowano",
    "data publikacji",
    "data opublikowania",
    "data udostępnienia",
    "udostępniono",
    "dodano",
    "publikacja",
    "gepubliceerd",
    "опубликовано",
    "добавлено",
    "добавил",
    "опубліковано",
    "дата публикации",
    "дата публікації",
    "размещено",
    "dərc edilib",
    "dərc olunub",
    "əlavə edilib",
    "əlavə olunub",
    "tarix",
    "yayınlanma",
    "yayımlanma",
    "yayınlandı",
    "yayın tarihi",
    "eklenme",
    "eklendi",
    "tarih",
    "publikováno",
    "zveřejněno",
    "vloženo",
    "publikované",
    "közzétéve",
    "megjelent",
    "publicat",
    "postat",
    "geplaatst",
    "julkaistu",
    "publiceret",
    "publisert",
    "publicerad",
    "diterbitkan",
    "жарияланды",
    "жарияланған",
    "chop etildi",
    "e'lon qilindi",
    "апублікавана",
    "გამოქვეყნდა",
    "გამოქვეყნებულია",
    "հրապարակվել",
    "δημοσίευση",
    "公開日",
    "投稿日",
    // a Q&A board's question ("質問日時：2019/7/21 23:10"); its answers' times are others
    "質問日時",
    "发布时间",
    "發布時間",
    "发表于",
    "입력",
    // Arabic, Persian and Hebrew
    "تاريخ النشر",
    "نشر في",
    "نُشر في",
    "تاریخ انتشار",
    "منتشر شده",
    "פורסם",
    "תאריך פרסום",
];

/// Statements of a page's first publication, lower-case, each with the words of which one
/// must follow its date: a label the date follows ("originally published on 3 June 2014",
/// "Впервые опубликовано 2 декабря 2019 года", "publié initialement le 2 février 2017"), or
/// a label the date sits inside ("ilk dəfə 8 may 2019-cu ildə dərc olunub", "erstmals am 3.
/// Juni 2014 erschienen"). A re-dated, republished or migrated story says so under its text
/// while its markup and byline show the new day.
pub const FIRST_PUBLICATION_LABELS: &[(&str, &[&str])] = &[
    ("originally published", &[]),
    ("first published", &[]),
    ("originally appeared", &[]),
    ("first appeared", &[]),
    ("originally posted", &[]),
    ("first posted", &[]),
    ("впервые опубликован", &[]),
    ("впервые был опубликован", &[]),
    ("впервые была опубликована", &[]),
    ("впервые было опубликовано", &[]),
    ("первоначально опубликован", &[]),
    ("вперше опублікован", &[]),
    ("уперше опублікован", &[]),
    ("вперше був опублікован", &[]),
    ("вперше була опублікована", &[]),
    ("publié initialement", &[]),
    ("publiée initialement", &[]),
    ("initialement publié", &[]),
    ("publié pour la première fois", &[]),
    ("publiée pour la première fois", &[]),
    ("paru initialement", &[]),
    ("initialement paru", &[]),
    ("publié à l'origine", &[]),
    ("erschien zuerst", &[]),
    ("erschien ursprünglich", &[]),
    ("erschien erstmals", &[]),
    ("ursprünglich", &["erschienen", "veröffentlicht"]),
    ("erstmals", &["erschienen", "veröffentlicht"]),
    ("zuerst", &["erschienen", "veröffentlicht"]),
    ("publicado originalmente", &[]),
    ("publicada originalmente", &[]),
    ("originalmente publicado", &[]),
    ("originalmente publicada", &[]),
    ("publicado por primera vez", &[]),
    ("publicada por primera vez", &[]),
    ("publicado pela primeira vez", &[]),
    ("publicada pela primeira vez", &[]),
    ("pubblicato originariamente", &[]),
    ("pubblicata originariamente", &[]),
    ("originariamente pubblicat", &[]),
    ("pubblicato per la prima volta", &[]),
    ("pubblicata per la prima volta", &[]),
    ("pierwotnie opublikowan", &[]),
    ("po raz pierwszy opublikowan", &[]),
    ("oorspronkelijk gepubliceerd", &[]),
    ("oorspronkelijk verschenen", &[]),
    ("ilk dəfə", &["dərc", "yayım"]),
    ("ilk olaraq", &["dərc", "yayım"]),
    ("ilk kez", &["yayım"]),
    ("ilk olarak", &["yayım"]),
];

/// Nouns by which a page speaks of itself in the sentence of a first-publication statement
/// ("This essay was originally published", "Bu məqalə ilk dəfə", "Cet article a été publié
/// initialement"), lower-case: "The report, first published on 3 March" in a story is the
/// report's. A statement that opens its sentence needs none ("Впервые опубликовано …").
pub const SELF_REFERENCES: &[&str] = &[
    "article",
    "essay",
    "post",
    "story",
    "piece",
    "column",
    "interview",
    "review",
    "text",
    "blog",
    "entry",
    "статья",
    "статью",
    "материал",
    "текст",
    "пост",
    "запись",
    "интервью",
    "стаття",
    "статтю",
    "матеріал",
    "məqalə",
    "material",
    "yazı",
    "müsahibə",
    "makale",
    "haber",
    "röportaj",
    "artikel",
    "beitrag",
    "billet",
    "texte",
    "chronique",
    "artículo",
    "nota",
    "entrada",
    "artigo",
    "texto",
    "articolo",
    "artykuł",
    "tekst",
    "wpis",
];

/// Publication labels that are only the word "date": after another label they name that
/// label's date ("Güncelleme tarihi" is the update's).
const DATE_NOUNS: &[&str] = &["date:", "datum", "fecha", "tarix", "tarih"];

/// Labels of dates that belong to the reader's visit or to another document, not to the
/// page: the print date, an access date of a cited source, a page-generation stamp; and the
/// dates of what a page announces (an event, a deadline) or shows beside it (a customer's
/// review).
const OTHER_LABELS: &[&str] = &[
    "event:",
    "event date",
    "customer review",
    "bewertung",
    "when:",
    // an event's "when" in the languages of the event pages gleaner meets
    "cuándo:",
    "quand :",
    "quand:",
    "wann:",
    "quando:",
    "когда:",
    "коли:",
    "kiedy:",
    "ne zaman:",
    "nə vaxt:",
    "回答日時",
    "deadline",
    "closing date",
    "termin:",
    "veranstaltung",
    "anmeldeschluss",
    "einsendeschluss",
    "bewerbungsschluss",
    "date de l'événement",
    "fecha del evento",
    "дата проведения",
    "дата мероприятия",
    "срок подачи",
    "tədbir",
    // how long a broadcaster keeps a video online ("Video verfügbar bis 09.10.2024")
    "verfügbar bis",
    "abrufbar bis",
    "available until",
    "available till",
    "disponible jusqu'au",
    "доступно до",
    "printed",
    "print date",
    "wydrukowano",
    "gedruckt",
    "abgerufen",
    "retrieved",
    "accessed",
    "consulté",
    "consultado",
    "generated",
    // the visit's own day in a page's header ("Today is Thursday, November 8, 2007")
    "today is",
    "oggi è",
    "heute ist",
    "hoy es",
    "dnes je",
    "danas je",
    // a forum's clock over its threads ("It is currently Thu Feb 08, 2024 11:02 am",
    // phpBB's words in its languages)
    "it is currently",
    "aktuelle zeit",
    "nous sommes le",
    "fecha actual",
    "teraz jest",
    "текущее время",
    "het is nu",
    "acum este",
    "právě je",
    "jelenlegi idő",
    "last visit was",
    "dziś jest",
    "dzisiaj jest",
    "vandaag is",
    "hoje é",
    "copyright",
    "©",
    "дата печати",
    "распечатано",
    "дата друку",
    // a forum poster's panel beside each post: the day the poster joined
    "registriert:",
    "registered:",
    "joined:",
    "join date",
    "member since",
    "mitglied seit",
    "inscrit le",
    "registrado:",
    "iscritto il",
    "dołączył",
    "зарегистрирован",
    "регистрация:",
    "qeydiyyat:",
    "kayıt tarihi",
    "kayıt:",
    "katılım:",
    "inscription :",
    "inscription:",
    "registado:",
    "registrado em",
    "membro desde",
    "registrován",
    "zaregistrován",
    "rejestracja:",
    "data rejestracji",
    "registrato il",
    "registrado el",
    "geregistreerd",
    "lid sinds",
    "membre depuis",
    "miembro desde",
    "membro dal",
    "üyelik tarihi",
    "зареєстрований",
    "реєстрація:",
    "на форуме с",
];

/// All labels as one leftmost-first Aho-Corasick automaton, longest labels first within a
/// kind, modification labels before publication labels before the others: the matches are
/// those of the regex alternation of the escaped labels in that order (one named group per
/// kind), which this replaced. The labels are plain words, and building the automaton costs
/// a fraction of compiling them as a regex (16 M instructions, a sixth of all regex
/// compilation of an extraction); `aho-corasick` is the regex crate's own literal matcher.
static LABELS: LazyLock<(AhoCorasick, Vec<Cue>)> = LazyLock::new(|| {
    let mut patterns: Vec<&str> = Vec::new();
    let mut cues: Vec<Cue> = Vec::new();
    for (cue, labels) in [
        (Cue::Modified, MODIFIED_LABELS),
        (Cue::Published, PUBLISHED_LABELS),
        (Cue::Other, OTHER_LABELS),
    ] {
        let mut labels: Vec<&str> = labels.to_vec();
        labels.sort_by_key(|label| std::cmp::Reverse(label.len()));
        cues.extend(std::iter::repeat_n(cue, labels.len()));
        patterns.extend(labels);
    }
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(&patterns)
        .expect("date labels build an automaton");
    (automaton, cues)
});

/// What the label just before a date in the same line says it is: the text in front of
/// the date.
pub fn cue_of(label: &str) -> Option<Cue> {
    cue_within(label, |gap| {
        visible_chars(gap) <= MAX_LABEL_GAP || is_byline_label(gap.trim())
    })
}

/// What the line before a date says it is, when that line is only a label: it ends with
/// its label ("Veröffentlicht am", "Published:"), or with a byline leading to the date
/// ("Posted by Jane Doe on"). A line that goes on after its label word is something else:
/// a photo credit ("Foto: © GEPA") over a dateline does not make the date a copyright year.
pub fn cue_of_label_line(line: &str) -> Option<Cue> {
    cue_within(line, |gap| {
        let mut words = gap
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty());
        (words.clone().count() <= 2
            && words.all(|w| BYLINE_JOINERS.contains(&w) || LABEL_JOINERS.contains(&w)))
            || is_byline_label(gap.trim())
    })
}

/// Words that join a label on its own line to the date under it, besides the byline
/// joiners ("Erschienen am", "Publié le"): "Published at", "Stand vom", "Publicado el
/// día", lower-case.
const LABEL_JOINERS: &[&str] = &[
    "at", "the", "um", "vom", "du", "del", "de", "día", "em", "в", "от",
];

/// Longest text read for a label, in characters: a label and a byline's name and role
/// ("Posted by Dana Whitfield, Communications Coordinator, on").
const MAX_LABEL_CHARS: usize = 60;

/// The cue of the last label in `label`, if the text after that label passes `gap_fits`.
fn cue_within(label: &str, gap_fits: impl Fn(&str) -> bool) -> Option<Cue> {
    let label = label.trim();
    if label.is_empty() || visible_chars(label) > MAX_LABEL_CHARS {
        return None;
    }
    let lower = label.to_lowercase();
    // German "Stand" (as of) is a label of its own only when alone: it also ends words.
    if matches!(lower.trim_end_matches(':').trim(), "stand" | "stand vom") {
        return Some(Cue::Modified);
    }
    // The label nearest the date is at the end of the text before it: the last one found
    // ("Published 2 May, updated 3 May": the second date is the update).
    let (automaton, cues) = &*LABELS;
    let mut found = automaton.find_iter(&lower);
    let Some(mut last) = found.next() else {
        return is_byline_label(&lower).then_some(Cue::Published);
    };
    let mut cue = cues[last.pattern().as_usize()];
    for next in found {
        // A word for "date" after a label names that label's date: "Son güncelleme
        // tarihi", "yenilənmə tarixi", "Last update date:" are updates.
        let names_the_date = lower[last.end()..next.start()].trim().is_empty()
            && DATE_NOUNS.contains(&&lower[next.start()..next.end()]);
        if !names_the_date {
            cue = cues[next.pattern().as_usize()];
        }
        last = next;
    }
    let end = last.end();
    // A label is next to its date ("Posted by Jane Doe on"): a word further back is part
    // of something else ("Besinnung: Vom Umgang mit der Corona…").
    gap_fits(&lower[end..]).then_some(cue)
}

/// Words that open a byline ("By", "Von", "Par", …), lower-case.
const BYLINE_OPENERS: &[&str] = &[
    "by",
    "von",
    "par",
    "por",
    "di",
    "door",
    "av",
    "af",
    "przez",
    "от",
    "автор",
];

/// Words that join a byline's name to its date ("on", "am", "le", …), lower-case.
const BYLINE_JOINERS: &[&str] = &["on", "am", "le", "el", "il", "op", "den", "dnia"];

/// Most words of the name between a byline's opener and its joiner.
const MAX_BYLINE_NAME_WORDS: usize = 4;

/// Whether `lower` (a lower-case label) is a byline leading to its date: "by Jane Doe on",
/// "Von R. R. am", "par Marie Dupont le" — who wrote the story and when; or a signature
/// whose comma leads to it ("by Alison Reid, Secretary,").
fn is_byline_label(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '.' && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let [opener, name @ .., last] = words.as_slice() else {
        return false;
    };
    if !BYLINE_OPENERS.contains(opener) {
        return false;
    }
    if BYLINE_JOINERS.contains(last) {
        (1..=MAX_BYLINE_NAME_WORDS).contains(&name.len())
    } else {
        lower.trim_end().ends_with(',') && name.len() < MAX_BYLINE_NAME_WORDS
    }
}

/// Most characters between a label and its date.
const MAX_LABEL_GAP: usize = 20;

/// Class or id words that mark an element as holding the modification date. hAtom's
/// `updated` is one, except beside the post's own date class: WordPress themes write
/// `entry-date published updated` on a post never edited, and `entry-date updated` on the
/// one date they show, which is the publication's.
pub fn class_says_modified(class_id: &str) -> bool {
    if class_id.contains("updated")
        && !class_id.contains("published")
        && !class_id.contains("entry-date")
    {
        return true;
    }
    [
        "modified",
        "date-update",
        "lastmod",
        "last-mod",
        "revised",
        // In the site's language: es, pt, de, it, fr.
        "actualizad",
        "actualizacion",
        "atualizad",
        "aktualisiert",
        "aggiornat",
        "mise-a-jour",
    ]
    .iter()
    .any(|hint| class_id.contains(hint))
}

/// Class or id words that mark an element as holding the publication date.
pub fn class_says_published(class_id: &str) -> bool {
    [
        "published",
        "pubdate",
        "pub-date",
        "publish",
        "post-date",
        "postdate",
        "entry-date",
        "article-date",
        "story-date",
        "dateline",
        "created",
        // In the site's language: es, pt, de, it.
        "publicad",
        "veroeffentlicht",
        "pubblicat",
    ]
    .iter()
    .any(|hint| class_id.contains(hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_names_in_every_language() {
        for (word, month) in [
            ("September", 9),
            ("Sept.", 9),
            ("сентября", 9),
            ("СЕНТЯБРЯ", 9),
            ("вересня", 9),
            ("sentyabr", 9),
            ("Eylül", 9),
            ("EYLUL", 9),
            ("März", 3),
            ("Mär", 3),
            ("Jänner", 1),
            ("févr.", 2),
            ("décembre", 12),
            ("mayo", 5),
            ("Setiembre", 9),
            ("março", 3),
            ("gennaio", 1),
            ("kwietnia", 4),
            ("İyun", 6),
            ("İYUL", 7),
            ("Paź", 10),
            ("Gru", 12),
            ("mei", 5),
            ("فيفري", 2),
            ("نيسان", 4),
            ("наурыз", 3),
            ("Желтоқсан", 12),
            ("sentabr", 9),
            ("сентябр", 9),
            ("sentýabr", 9),
            ("верасня", 9),
            ("მარტი", 3),
            ("մարտի", 3),
            ("Սեպտեմբեր", 9),
            ("lipnja", 6),
            ("Ožujak", 3),
            ("studenoga", 11),
            // Polish and Czech November, never Croatian October.
            ("listopada", 11),
        ] {
            assert_eq!(month_number(word), Some(month), "{word}");
        }
        for word in ["set", "out", "word", "", "13", "понедельник", "lis"] {
            assert_eq!(month_number(word), None, "{word}");
        }
        // Every name is lower-case (the index is looked up lower-cased) and unique in
        // meaning.
        let mut seen = HashMap::new();
        for &(name, month) in MONTHS {
            assert_eq!(name, name.to_lowercase(), "{name}");
            assert!((1..=12).contains(&month));
            if let Some(other) = seen.insert(name, month) {
                assert_eq!(other, month, "{name} means two months");
            }
        }
    }

    #[test]
    fn weekday_names() {
        for (word, weekday) in [
            ("Tue", Some(1)),
            ("Вт", Some(1)),
            ("Freitag", Some(4)),
            ("dimanche", Some(6)),
            ("Cumartesi", Some(5)),
            ("March", None),
            ("ertəsi", None),
        ] {
            assert_eq!(weekday_number(word), weekday, "{word}");
        }
        // Lower-case, unique in meaning, and never a month's name too: a weekday is only
        // read before a numeric date, a month name inside one.
        let mut seen = HashMap::new();
        for &(name, weekday) in WEEKDAYS {
            assert_eq!(name, name.to_lowercase(), "{name}");
            assert!(weekday < 7);
            assert_eq!(month_number(name), None, "{name} is a month too");
            if let Some(other) = seen.insert(name, weekday) {
                assert_eq!(other, weekday, "{name} means two weekdays");
            }
        }
    }

    #[test]
    fn zones() {
        assert_eq!(zone_minutes("CET"), Some(60));
        assert_eq!(zone_minutes("МСК"), Some(180));
        assert_eq!(zone_minutes("pdt"), Some(-420));
        assert_eq!(zone_minutes("CST"), None);
        assert_eq!(zone_minutes("IST"), None);
    }

    #[test]
    fn labels_before_a_date() {
        for (label, cue) in [
            ("Published:", Some(Cue::Published)),
            ("Posted on", Some(Cue::Published)),
            ("Veröffentlicht am", Some(Cue::Published)),
            ("Datum:", Some(Cue::Published)),
            ("Опубликовано", Some(Cue::Published)),
            ("Dərc edilib:", Some(Cue::Published)),
            ("Yayınlanma tarihi:", Some(Cue::Published)),
            ("Yayın tarihi:", Some(Cue::Published)),
            ("Opublikowano:", Some(Cue::Published)),
            ("Publicado el", Some(Cue::Published)),
            ("Pubblicato il", Some(Cue::Published)),
            ("Publié le", Some(Cue::Published)),
            ("Updated", Some(Cue::Modified)),
            ("Last updated", Some(Cue::Modified)),
            ("Stand:", Some(Cue::Modified)),
            ("STAND", Some(Cue::Modified)),
            ("Aktualisiert:", Some(Cue::Modified)),
            ("zuletzt bearbeitet:", Some(Cue::Modified)),
            ("Обновлено", Some(Cue::Modified)),
            ("Оновлено:", Some(Cue::Modified)),
            ("Article mis à jour le", Some(Cue::Modified)),
            ("Actualizado:", Some(Cue::Modified)),
            ("Son güncelleme:", Some(Cue::Modified)),
            ("Yenilənib:", Some(Cue::Modified)),
            ("Son yenilənmə:", Some(Cue::Modified)),
            ("Əlavə olunub:", Some(Cue::Published)),
            ("Güncellenme Tarihi:", Some(Cue::Modified)),
            ("Son güncelleme tarihi:", Some(Cue::Modified)),
            ("Yenilənmə tarixi:", Some(Cue::Modified)),
            ("Last update date:", Some(Cue::Modified)),
            ("Fecha de actualización:", Some(Cue::Modified)),
            ("Eklenme Tarihi:", Some(Cue::Published)),
            ("Дата изменения:", Some(Cue::Modified)),
            ("Дата обновления:", Some(Cue::Modified)),
            ("Дата оновлення:", Some(Cue::Modified)),
            ("Змінено:", Some(Cue::Modified)),
            ("page revision: 8, last edited:", Some(Cue::Modified)),
            ("Published 2 May 2024, updated", Some(Cue::Modified)),
            ("Updated 3 May, first published", Some(Cue::Published)),
            ("Publikováno", Some(Cue::Published)),
            ("تاريخ النشر: ", Some(Cue::Published)),
            ("آخر تحديث: ", Some(Cue::Modified)),
            ("تاریخ انتشار: ", Some(Cue::Published)),
            ("آخرین به‌روزرسانی: ", Some(Cue::Modified)),
            ("פורסם: ", Some(Cue::Published)),
            ("עודכן: ", Some(Cue::Modified)),
            ("Aktualizováno:", Some(Cue::Modified)),
            ("Frissítve:", Some(Cue::Modified)),
            ("Közzétéve:", Some(Cue::Published)),
            ("Julkaistu", Some(Cue::Published)),
            ("Päivitetty", Some(Cue::Modified)),
            ("Publicerad", Some(Cue::Published)),
            ("Uppdaterad", Some(Cue::Modified)),
            ("公開日：", Some(Cue::Published)),
            ("更新日：", Some(Cue::Modified)),
            ("Ultimo aggiornamento ( Venerdì", Some(Cue::Modified)),
            ("Останнє оновлення ( Середа,", Some(Cue::Modified)),
            ("Последнее изменение Четверг, 15", Some(Cue::Modified)),
            ("Остання зміна:", Some(Cue::Modified)),
            ("質問日時：", Some(Cue::Published)),
            ("回答日時：", Some(Cue::Other)),
            ("Data opublikowania informacji:", Some(Cue::Published)),
            ("Cuándo:", Some(Cue::Other)),
            ("Wann:", Some(Cue::Other)),
            ("发布时间：", Some(Cue::Published)),
            ("입력", Some(Cue::Published)),
            ("수정", Some(Cue::Modified)),
            ("Жарияланды:", Some(Cue::Published)),
            ("Жаңартылды:", Some(Cue::Modified)),
            ("გამოქვეყნდა:", Some(Cue::Published)),
            ("Թարմացվել է՝", Some(Cue::Modified)),
            ("Wydrukowano:", Some(Cue::Other)),
            ("abgerufen am", Some(Cue::Other)),
            ("Event:", Some(Cue::Other)),
            ("Event date:", Some(Cue::Other)),
            ("Anmeldeschluss:", Some(Cue::Other)),
            ("Kundenbewertung", Some(Cue::Other)),
            ("Дата проведения:", Some(Cue::Other)),
            ("Preventive care published", Some(Cue::Published)),
            ("By Jane Doe", None),
            ("Posted by Jane Doe on", Some(Cue::Published)),
            ("Postat de Andrei la", Some(Cue::Published)),
            // A template's indentation is one space.
            (
                "This entry was posted\n\t\t\t\t\t\t\t\t\t\t\t\t on Tuesday, ",
                Some(Cue::Published),
            ),
            ("Geplaatst op", Some(Cue::Published)),
            // A byline leading to its date is the story's.
            ("Von R. R. am", Some(Cue::Published)),
            ("by Jane Doe on", Some(Cue::Published)),
            ("par Marie Dupont le", Some(Cue::Published)),
            // A signature: name and role, then the date after a comma.
            ("Posted by Alison Reid, Secretary,", Some(Cue::Published)),
            ("by Alison Reid,", Some(Cue::Published)),
            (
                "Posted by Dana Whitfield, Communications Coordinator, on",
                Some(Cue::Published),
            ),
            ("Photo by Alison Reid,", None),
            ("by the committee of the regional parliament,", None),
            ("Flüge von Berlin am", None),
            ("by the committee of the regional parliament on", None),
            ("by on", None),
            ("Besinnung: Vom Umgang mit der Corona-Krise", None),
            ("", None),
        ] {
            assert_eq!(cue_of(label), cue, "{label:?}");
        }
    }

    #[test]
    fn label_lines() {
        for (line, cue) in [
            ("Erschienen am", Some(Cue::Published)),
            ("Published on:", Some(Cue::Published)),
            ("Опубликовано:", Some(Cue::Published)),
            ("Publié le", Some(Cue::Published)),
            ("Обновлено в", Some(Cue::Modified)),
            ("Posted by Jane Doe on", Some(Cue::Published)),
            ("Copyright", Some(Cue::Other)),
            ("Abgerufen am:", Some(Cue::Other)),
            // A forum poster's panel: the day the poster joined, not the post's.
            ("Registriert:", Some(Cue::Other)),
            ("Join Date:", Some(Cue::Other)),
            ("Dołączył:", Some(Cue::Other)),
            ("Registrován:", Some(Cue::Other)),
            ("Rejestracja:", Some(Cue::Other)),
            ("Kayıt:", Some(Cue::Other)),
            ("Inscription :", Some(Cue::Other)),
            ("Vloženo:", Some(Cue::Published)),
            ("Data udostępnienia", Some(Cue::Published)),
            ("Eingestellt am", Some(Cue::Published)),
            ("Inserito il", Some(Cue::Published)),
            ("Today is", Some(Cue::Other)),
            ("Oggi è", Some(Cue::Other)),
            ("Dnes je", Some(Cue::Other)),
            ("It is currently", Some(Cue::Other)),
            ("Acum este", Some(Cue::Other)),
            ("Poslední úprava:", Some(Cue::Modified)),
            // A photo credit over the dateline is no copyright notice of the date.
            ("Foto: © GEPA", None),
            ("Фото: © ТАСС", None),
            ("Printed in the United Kingdom", None),
            ("Published by the regional office", None),
        ] {
            assert_eq!(cue_of_label_line(line), cue, "{line:?}");
        }
        // In the same line the label may stand a few words from its date.
        assert_eq!(cue_of("Foto: © GEPA"), Some(Cue::Other));
        // How long a video stays online is no date of the page.
        assert_eq!(cue_of("Video verfügbar bis "), Some(Cue::Other));
        assert_eq!(cue_of("Available until "), Some(Cue::Other));
    }

    #[test]
    fn class_hints() {
        assert!(class_says_modified("entry-meta date-updated"));
        assert!(!class_says_modified("entry-date published"));
        assert!(class_says_modified("updated"));
        assert!(!class_says_modified("entry-date published updated"));
        assert!(!class_says_modified("entry-date updated td-module-date"));
        assert!(class_says_modified("entry-date modified"));
        assert!(class_says_published("entry-date published"));
        assert!(class_says_published("post-date"));
        assert!(!class_says_published("comment-meta"));
        // Class names in the site's language.
        assert!(class_says_modified("articulo-actualizado"));
        assert!(class_says_modified("fecha-actualizacion"));
        assert!(class_says_modified("datum-aktualisiert"));
        assert!(class_says_published("fecha-publicado"));
        assert!(!class_says_published("publicidad"));
    }
}
