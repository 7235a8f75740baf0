//! Which language an article is written in.
//!
//! Markup is a hint, not an answer: portals declare one `<html lang>` for every page, so an
//! English wire story on a Russian aggregator is declared `ru`. The extracted text decides when
//! there is enough of it for a reliable statistical verdict (whatlang's trigram model, which
//! tells apart the languages gleaner's users care about: ru/uk/be, az/tr, en/de…). When the
//! text is short or ambiguous the declaration is used, unless it names a language whose script
//! the text is not even written in.

use whatlang::{Lang, Script};

use super::chars::prefix_chars;

/// Below this many letters a detection is too noisy to overrule a declaration.
const MIN_LETTERS_TO_OVERRULE: usize = 40;

/// Detection cost grows with the text, over a fixed cost per call (whatlang's trigram
/// tables); two thousand characters decide any language. 4 000 gave the same language on
/// every dev, readability and blind probe page, at 0.23 G more instructions over the dev
/// corpus: a quarter of the detector's cost then (1.0 G), 2.4 % of `extract()`'s.
const SAMPLE_CHARS: usize = 2_000;

/// Returns the ISO 639-1 code (`en`, `ru`, `az`, …) of `text`, using the page's declared
/// language (`<html lang>`, `Content-Language`, any BCP 47 tag such as `ru-RU`) as the
/// fallback when the text cannot decide.
pub fn detect_language(text: &str, declared: Option<&str>) -> Option<String> {
    let declared = declared.and_then(normalise_tag);
    let sample = prefix_chars(text, SAMPLE_CHARS);
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    if is_cyrillic_azerbaijani(sample) {
        return Some("az".to_owned());
    }
    let detected = if letters == 0 {
        None
    } else {
        whatlang::detect(sample)
    };
    let Some(info) = detected else {
        return declared;
    };
    // Kazakh reads to the model as Belarusian, Mongolian or another Cyrillic neighbour;
    // its letters are counted only then.
    if info.script() == Script::Cyrillic
        && !matches!(info.lang(), Lang::Rus | Lang::Ukr)
        && is_kazakh(sample)
    {
        return Some("kk".to_owned());
    }
    let Some(code) = iso_639_1(info.lang()) else {
        return declared;
    };
    // Latin text on the web is lorem-ipsum filler far more often than an article in Latin:
    // it does not overrule a declaration.
    if code == "la" && declared.is_some() {
        return declared;
    }
    match declared {
        None => Some(code.to_owned()),
        Some(declared) if declared == code => Some(declared),
        Some(declared) => {
            // The model knows some seventy languages, not Kazakh or Kyrgyz: text in one of
            // those reads to it as a rarer neighbour in the same script (Kazakh as
            // Belarusian). The page's declaration stands then; a text that is plainly a
            // common language (Russian under `lang="kk"`) is still named for what it is.
            if !detector_names(&declared)
                && script_of(&declared) == Some(info.script())
                && !COMMON_LANGUAGES.contains(&info.lang())
            {
                return Some(declared);
            }
            if letters >= MIN_LETTERS_TO_OVERRULE && info.is_reliable() {
                return Some(code.to_owned());
            }
            // Too little text to trust the model over the markup, unless the markup names a
            // language that is not written in the text's script at all.
            match script_of(&declared) {
                Some(script) if script != info.script() && letters >= 10 => {
                    // An unreliable guess on short text tends towards rare languages (a
                    // Russian headline scored as Belarusian); among widely used languages the
                    // guess is far more often right.
                    let common = whatlang::Detector::with_allowlist(COMMON_LANGUAGES.to_vec());
                    let lang = common.detect_lang(sample).unwrap_or(info.lang());
                    iso_639_1(lang).map(str::to_owned)
                }
                _ => Some(declared),
            }
        }
    }
}

/// Fewest of each kind of letter below that make a text Azerbaijani in Cyrillic.
const MIN_AZERBAIJANI_LETTERS: usize = 2;

/// Whether `text` is Azerbaijani in the Cyrillic alphabet it was written in until the
/// 1990s, which the model does not know and reads as Serbian. Its schwa `ә` is not Serbian,
/// and its `ј`, `ҹ` and `ҝ` are not Kazakh, Tatar or Bashkir, which have the schwa; both
/// kinds together are Azerbaijani.
fn is_cyrillic_azerbaijani(text: &str) -> bool {
    let (mut schwa, mut others) = (0, 0);
    for c in text.chars() {
        match c {
            'ә' | 'Ә' => schwa += 1,
            'ј' | 'Ј' | 'ҹ' | 'Ҹ' | 'ҝ' | 'Ҝ' => others += 1,
            _ => {}
        }
    }
    schwa >= MIN_AZERBAIJANI_LETTERS && others >= MIN_AZERBAIJANI_LETTERS
}

/// Least share, in per mille of a text's letters, of the letters Kazakh adds to the Russian
/// alphabet (`ә ғ қ ң ө ұ ү һ`, `і` aside, which Belarusian and Ukrainian share): about
/// one letter in eight in Kazakh prose, and a stray name's worth in a Russian story
/// (Тоқаев, Нұр-Сұлтан) stays far below.
const MIN_KAZAKH_LETTERS_PER_MILLE: usize = 40;

/// Whether `text` is Kazakh, which the model does not know and reads as Belarusian or
/// Mongolian. Its added letters make a share of the text no Russian, Ukrainian or
/// Belarusian story reaches; `қ ғ` with `ә ө ұ ң` tell it from Tatar and Bashkir (which
/// write `ҡ` and have no `қ`), and from Uzbek and Tajik (`қ ғ` and `ў ҳ ӯ ҷ`, without
/// the schwa or `ұ`).
fn is_kazakh(text: &str) -> bool {
    let (mut letters, mut added, mut velar, mut vowel, mut foreign) = (0, 0, 0, 0, 0);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        match c {
            'қ' | 'Қ' | 'ғ' | 'Ғ' => {
                added += 1;
                velar += 1;
            }
            'ә' | 'Ә' | 'ө' | 'Ө' | 'ұ' | 'Ұ' | 'ң' | 'Ң' => {
                added += 1;
                vowel += 1;
            }
            'ү' | 'Ү' | 'һ' | 'Һ' => added += 1,
            'ў' | 'Ў' | 'ҳ' | 'Ҳ' | 'ӯ' | 'Ӯ' | 'ҷ' | 'Ҷ' | 'ҡ' | 'Ҡ' | 'ј' | 'Ј' => {
                foreign += 1
            }
            _ => {}
        }
    }
    velar >= 2
        && vowel >= 2
        && foreign == 0
        && added * 1000 >= letters * MIN_KAZAKH_LETTERS_PER_MILLE
}

/// Whether the language model can name the language `code` at all.
fn detector_names(code: &str) -> bool {
    Lang::all()
        .iter()
        .any(|&lang| iso_639_1(lang) == Some(code))
}

/// Languages preferred when a short text must be classified despite an unreliable score.
const COMMON_LANGUAGES: &[Lang] = &[
    Lang::Eng,
    Lang::Rus,
    Lang::Ukr,
    Lang::Aze,
    Lang::Tur,
    Lang::Deu,
    Lang::Fra,
    Lang::Spa,
    Lang::Por,
    Lang::Ita,
    Lang::Pol,
    Lang::Nld,
    Lang::Cmn,
    Lang::Jpn,
    Lang::Kor,
    Lang::Ara,
    Lang::Pes,
    Lang::Heb,
    Lang::Ell,
    Lang::Kat,
    Lang::Hye,
    Lang::Hin,
];

/// `ru-RU` → `ru`, `EN_us` → `en`; anything that is not a plausible language subtag → `None`.
pub fn normalise_tag(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    let valid = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    if !valid {
        return None;
    }
    // Deprecated and three-letter forms that have a two-letter code.
    let code = match primary.as_str() {
        "iw" => "he",
        "in" => "id",
        "ji" => "yi",
        "eng" => "en",
        "rus" => "ru",
        "aze" => "az",
        "ukr" => "uk",
        "deu" | "ger" => "de",
        "tur" => "tr",
        "fra" | "fre" => "fr",
        "pol" => "pl",
        // "und" (undetermined) and "mul" (multiple) say nothing.
        "und" | "mul" | "zxx" => return None,
        other => other,
    };
    Some(code.to_owned())
}

/// The script a language is normally written in, for the languages where a mismatch is a
/// clear sign the declaration is wrong.
fn script_of(code: &str) -> Option<Script> {
    Some(match code {
        "ru" | "uk" | "be" | "bg" | "mk" | "kk" | "ky" | "tg" | "mn" => Script::Cyrillic,
        "en" | "de" | "fr" | "es" | "pt" | "it" | "nl" | "pl" | "cs" | "sk" | "tr" | "az"
        | "ro" | "hu" | "sv" | "da" | "nb" | "no" | "fi" | "et" | "lv" | "lt" | "hr" | "sl"
        | "id" | "vi" | "ca" => Script::Latin,
        // Latin-script languages the model does not know: their text reads to it as a
        // neighbour (Malay as Indonesian, Bosnian as Croatian), and the declaration stands.
        "ms" | "bs" | "gl" | "eu" | "ga" | "cy" | "is" | "sq" | "mt" | "lb" | "fy" | "br"
        | "oc" | "sw" | "ha" | "so" | "yo" | "ig" | "mi" => Script::Latin,
        "ka" => Script::Georgian,
        "hy" => Script::Armenian,
        "el" => Script::Greek,
        "he" | "yi" => Script::Hebrew,
        "ar" | "fa" | "ur" => Script::Arabic,
        _ => return None,
    })
}

/// whatlang's ISO 639-3 languages mapped to ISO 639-1. Esperanto and Latin have codes too;
/// Akan has one (`ak`); Mandarin is reported as `zh`.
fn iso_639_1(lang: Lang) -> Option<&'static str> {
    Some(match lang {
        Lang::Epo => "eo",
        Lang::Eng => "en",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Ben => "bn",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ukr => "uk",
        Lang::Kat => "ka",
        Lang::Ara => "ar",
        Lang::Hin => "hi",
        Lang::Jpn => "ja",
        Lang::Heb => "he",
        Lang::Yid => "yi",
        Lang::Pol => "pl",
        Lang::Amh => "am",
        Lang::Jav => "jv",
        Lang::Kor => "ko",
        Lang::Nob => "nb",
        Lang::Dan => "da",
        Lang::Swe => "sv",
        Lang::Fin => "fi",
        Lang::Tur => "tr",
        Lang::Nld => "nl",
        Lang::Hun => "hu",
        Lang::Ces => "cs",
        Lang::Ell => "el",
        Lang::Bul => "bg",
        Lang::Bel => "be",
        Lang::Mar => "mr",
        Lang::Kan => "kn",
        Lang::Ron => "ro",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Mkd => "mk",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Tam => "ta",
        Lang::Vie => "vi",
        Lang::Urd => "ur",
        Lang::Tha => "th",
        Lang::Guj => "gu",
        Lang::Uzb => "uz",
        Lang::Pan => "pa",
        Lang::Aze => "az",
        Lang::Ind => "id",
        Lang::Tel => "te",
        Lang::Pes => "fa",
        Lang::Mal => "ml",
        Lang::Ori => "or",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Sin => "si",
        Lang::Khm => "km",
        Lang::Tuk => "tk",
        Lang::Aka => "ak",
        Lang::Zul => "zu",
        Lang::Sna => "sn",
        Lang::Afr => "af",
        Lang::Lat => "la",
        Lang::Slk => "sk",
        Lang::Cat => "ca",
        Lang::Tgl => "tl",
        Lang::Hye => "hy",
        Lang::Cym => "cy",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = "The government announced on Monday that it would hold early parliamentary \
        elections in the autumn, a move that opposition parties said left them too little time \
        to register candidates and observers.";
    const RU: &str = "Правительство объявило в понедельник, что проведёт досрочные парламентские \
        выборы осенью. Оппозиционные партии заявили, что у них осталось слишком мало времени \
        для регистрации кандидатов и наблюдателей.";
    const UK: &str = "Уряд оголосив у понеділок, що проведе дострокові парламентські вибори \
        восени. Опозиційні партії заявили, що в них залишилося надто мало часу для реєстрації \
        кандидатів і спостерігачів.";
    const AZ: &str = "Hökumət bazar ertəsi payızda növbədənkənar parlament seçkiləri keçirəcəyini \
        elan edib. Müxalifət partiyaları bildiriblər ki, namizədlərin və müşahidəçilərin \
        qeydiyyatı üçün çox az vaxt qalıb.";
    const TR: &str = "Hükümet pazartesi günü sonbaharda erken parlamento seçimleri yapacağını \
        açıkladı. Muhalefet partileri, adayların ve gözlemcilerin kaydı için çok az zaman \
        kaldığını söyledi.";
    const DE: &str = "Die Regierung kündigte am Montag an, im Herbst vorgezogene \
        Parlamentswahlen abzuhalten. Oppositionsparteien erklärten, ihnen bleibe zu wenig Zeit, \
        um Kandidaten und Wahlbeobachter zu registrieren.";

    #[test]
    fn tells_the_core_languages_apart() {
        for (text, code) in [
            (EN, "en"),
            (RU, "ru"),
            (UK, "uk"),
            (AZ, "az"),
            (TR, "tr"),
            (DE, "de"),
        ] {
            assert_eq!(detect_language(text, None).as_deref(), Some(code), "{text}");
        }
    }

    #[test]
    fn text_overrules_lying_markup() {
        assert_eq!(detect_language(EN, Some("ru-RU")).as_deref(), Some("en"));
        assert_eq!(detect_language(AZ, Some("tr")).as_deref(), Some("az"));
        assert_eq!(detect_language(UK, Some("ru")).as_deref(), Some("uk"));
    }

    #[test]
    fn a_declared_language_the_model_cannot_name_stands() {
        // Kazakh, which the model reads as Belarusian.
        let kk = "Құқық қорғау орталығы бейбіт жиналыстар туралы заңға енгізілген \
                  түзетулерге қатысты мәлімдеме жасады. Жаңа талаптар бойынша жиналысты \
                  ұйымдастырушылар әкімдікке он күн бұрын хабарлауы тиіс.";
        assert_eq!(detect_language(kk, Some("kk")).as_deref(), Some("kk"));
        // Declared or not, its letters name it.
        assert_eq!(detect_language(kk, None).as_deref(), Some("kk"));
        assert_eq!(detect_language(kk, Some("ru")).as_deref(), Some("kk"));
        // A Russian story naming Kazakh places in their own spelling stays Russian.
        let ru_names = "Президент Тоқаев провёл совещание в Нұр-Сұлтане, где обсуждались \
                        вопросы энергетики, строительства новых школ и ремонта дорог в \
                        северных областях страны, а также подготовка к отопительному сезону.";
        assert_eq!(detect_language(ru_names, None).as_deref(), Some("ru"));
        // Russian under a Kazakh declaration is Russian.
        assert_eq!(detect_language(RU, Some("kk")).as_deref(), Some("ru"));
        // Malay, which the model reads as Indonesian.
        let ms = "Syarikat Air Negeri memaklumkan bahawa bekalan air di beberapa kawasan akan \
                  terganggu selama dua belas jam bagi membolehkan kerja-kerja penyelenggaraan \
                  paip utama dijalankan. Pengguna dinasihatkan menyimpan air secukupnya.";
        assert_eq!(detect_language(ms, None).as_deref(), Some("id"));
        assert_eq!(detect_language(ms, Some("ms")).as_deref(), Some("ms"));
    }

    #[test]
    fn azerbaijani_in_cyrillic() {
        let az = "Мүшаһидәчиләр сечки ҝүнү 200-дән чох позунту гејдә алыблар. Мәркәзи сечки \
                  комиссијасы шикајәтләрә бахачағыны билдириб.";
        assert_eq!(detect_language(az, None).as_deref(), Some("az"));
        assert_eq!(detect_language(az, Some("ru")).as_deref(), Some("az"));
        // Serbian has `ј` but no schwa; Kazakh has the schwa but no `ј`.
        let sr = "Посматрачи су на дан избора забележили више од двеста неправилности, \
                  саопштила је Републичка изборна комисија у својој изјави.";
        assert_eq!(detect_language(sr, None).as_deref(), Some("sr"));
        let kk = "Құқық қорғау орталығы бейбіт жиналыстар туралы заңға енгізілген \
                  түзетулерге қатысты мәлімдеме жасады.";
        assert_ne!(detect_language(kk, None).as_deref(), Some("az"));
    }

    #[test]
    fn declared_language_used_for_short_text() {
        assert_eq!(detect_language("", Some("ru-RU")).as_deref(), Some("ru"));
        assert_eq!(detect_language("OK", Some("az")).as_deref(), Some("az"));
        assert_eq!(
            detect_language("12:45 — 03.09.2024", Some("EN_us")).as_deref(),
            Some("en")
        );
        // Short but in the wrong script for the declaration.
        assert_eq!(
            detect_language("Выборы назначены на осень", Some("en")).as_deref(),
            Some("ru")
        );
    }

    #[test]
    fn nothing_to_go_on() {
        assert_eq!(detect_language("", None), None);
        assert_eq!(detect_language("1234 5678 !!!", None), None);
        assert_eq!(detect_language("", Some("und")), None);
        assert_eq!(detect_language("", Some("not a tag")), None);
    }

    #[test]
    fn normalises_tags() {
        assert_eq!(normalise_tag("ru-RU").as_deref(), Some("ru"));
        assert_eq!(normalise_tag(" en_GB ").as_deref(), Some("en"));
        assert_eq!(normalise_tag("AZ").as_deref(), Some("az"));
        assert_eq!(normalise_tag("iw").as_deref(), Some("he"));
        assert_eq!(normalise_tag("rus").as_deref(), Some("ru"));
        assert_eq!(normalise_tag("x"), None);
        assert_eq!(normalise_tag("12"), None);
        assert_eq!(normalise_tag(""), None);
    }

    #[test]
    fn huge_and_mixed_input() {
        let huge = EN.repeat(20_000);
        assert_eq!(detect_language(&huge, Some("ru")).as_deref(), Some("en"));
        let mixed = format!("{RU} {EN} {RU} {RU}");
        assert_eq!(detect_language(&mixed, None).as_deref(), Some("ru"));
        let garbage: String = (0..5000u32)
            .filter_map(|i| char::from_u32(0x20 + (i * 7919) % 0x3000))
            .collect();
        let _ = detect_language(&garbage, Some("en"));
    }
}
