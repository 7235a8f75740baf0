//! Pages a site serves at an article's address that hold no story: its error page, the
//! notice left where a story was removed, a login or subscription wall, a cookie consent
//! page, and the site's own contact, imprint and policy pages. Each says what it is in its
//! headline, in a few words that no story's headline is made of alone, and holds little
//! text: a crawl that follows a site's links reaches all of them, and none belongs in a
//! corpus of articles.

use super::render::Block;

/// What a page that is no story is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SitePage {
    /// "Page not found", "Страница не найдена", "404".
    Error,
    /// "Материал удалён", "This article has been removed".
    Removed,
    /// "Sign in to continue reading", "Bitte melden Sie sich an, um weiterzulesen".
    Wall,
    /// "Vos choix concernant les cookies", "Before you continue".
    Consent,
    /// "Contact", "Impressum", "Privacy policy", "О нас".
    SiteInfo,
}

impl SitePage {
    /// The reason given for skipping such a page.
    pub(super) fn describe(self) -> &'static str {
        match self {
            SitePage::Error => "an error page",
            SitePage::Removed => "a notice that the story was removed",
            SitePage::Wall => "a login or subscription wall",
            SitePage::Consent => "a cookie consent page",
            SitePage::SiteInfo => "a page about the site",
        }
    }
}

/// Headlines of each kind, lower-case, without end punctuation: the languages gleaner
/// reads.
const HEADLINES: &[(SitePage, &[&str])] = &[
    (
        SitePage::Error,
        &[
            "page not found",
            "not found",
            "404",
            "error 404",
            "404 error",
            "404 not found",
            "страница не найдена",
            "ошибка 404",
            "сторінку не знайдено",
            "сторінка не знайдена",
            "səhifə tapılmadı",
            "sayfa bulunamadı",
            "seite nicht gefunden",
            "seite wurde nicht gefunden",
            "page introuvable",
            "página no encontrada",
            "pagina non trovata",
            "nie znaleziono strony",
            "strona nie została znaleziona",
        ],
    ),
    (
        SitePage::Removed,
        &[
            "материал удалён",
            "материал удален",
            "статья удалена",
            "новость удалена",
            "страница удалена",
            "публикация удалена",
            "матеріал видалено",
            "новину видалено",
            "material silinib",
            "xəbər silinib",
            "haber kaldırıldı",
            "içerik kaldırıldı",
            "içerik yayından kaldırıldı",
            "this article has been removed",
            "this article is no longer available",
            "this content is no longer available",
            "content removed",
            "article removed",
            "artikel nicht mehr verfügbar",
            "dieser artikel ist nicht mehr verfügbar",
            "inhalt nicht mehr verfügbar",
            "contenu supprimé",
            "cet article n'est plus disponible",
            "contenido eliminado",
            "este artículo ya no está disponible",
        ],
    ),
    (
        SitePage::Wall,
        &[
            "sign in to continue reading",
            "log in to continue reading",
            "subscribe to continue reading",
            "subscribe to read",
            "bitte melden sie sich an, um weiterzulesen",
            "jetzt anmelden und weiterlesen",
            "anmelden und weiterlesen",
            "войдите, чтобы продолжить чтение",
            "войдите, чтобы читать дальше",
            "оформите подписку, чтобы читать дальше",
            "connectez-vous pour lire la suite",
            "abonnez-vous pour lire la suite",
            "inicia sesión para seguir leyendo",
            "suscríbete para seguir leyendo",
            "okumaya devam etmek için giriş yapın",
            "oxumağa davam etmək üçün daxil olun",
            // A login page itself (not "Вход" or "Giriş" alone: an entrance, an introduction).
            "sign in",
            "log in",
            "login",
            "вход на сайт",
            "авторизация",
            "вхід на сайт",
            "giriş yap",
            "daxil ol",
            "sayta daxil ol",
            "anmelden",
            "connexion",
            "iniciar sesión",
        ],
    ),
    (
        SitePage::Consent,
        &[
            "vos choix concernant les cookies",
            "gestion des cookies",
            "cookie settings",
            "cookie preferences",
            "we value your privacy",
            "before you continue",
            "privacy settings",
            "cookie-einstellungen",
            "datenschutzeinstellungen",
            "bevor sie fortfahren",
            "avant de continuer",
            "antes de continuar",
            "configuración de cookies",
            "настройки cookie",
            "настройки файлов cookie",
            "çerez ayarları",
            "kuki parametrləri",
        ],
    ),
    (
        SitePage::SiteInfo,
        &[
            "contact",
            "contacts",
            "contact us",
            "contacto",
            "contáctanos",
            "contactez-nous",
            "kontakt",
            "kontakte",
            "контакты",
            "контакти",
            "обратная связь",
            "əlaqə",
            "bizimlə əlaqə",
            "iletişim",
            "bize ulaşın",
            "impressum",
            "imprint",
            "legal notice",
            "mentions légales",
            "aviso legal",
            "выходные данные",
            "about us",
            "about",
            "über uns",
            "qui sommes-nous",
            "quiénes somos",
            "о нас",
            "о проекте",
            "про нас",
            "haqqımızda",
            "hakkımızda",
            "privacy policy",
            "datenschutz",
            "datenschutzerklärung",
            "politique de confidentialité",
            "política de privacidad",
            "политика конфиденциальности",
            "məxfilik siyasəti",
            "gizlilik politikası",
            "terms of use",
            "terms and conditions",
            "nutzungsbedingungen",
            "пользовательское соглашение",
        ],
    ),
];

/// Most text such a page holds: an apology, a notice or an address and a few suggestions.
/// A story about such pages ("How to fix a 404 page not found error") is longer, and its
/// headline more.
const SITE_PAGE_MAX_CHARS: usize = 600;

/// Most text of a wall or a consent page, which lists what a subscription gives or what
/// the site and its partners do with the reader's data.
const WALL_MAX_CHARS: usize = 1_500;

impl SitePage {
    /// Most text a page of this kind holds.
    fn max_chars(self) -> usize {
        match self {
            SitePage::Wall | SitePage::Consent => WALL_MAX_CHARS,
            SitePage::Error | SitePage::Removed | SitePage::SiteInfo => SITE_PAGE_MAX_CHARS,
        }
    }
}

/// What the page is, when its headline says it is no story ([`HEADLINES`]: "Страница не
/// найдена", "404 – Page not found", "Материал удалён", "Contacto") and little text stands
/// under it.
pub(super) fn site_page(title: &str, blocks: &[Block]) -> Option<SitePage> {
    let chars: usize = blocks.iter().map(|b| b.text_len).sum();
    if chars > WALL_MAX_CHARS {
        return None;
    }
    let headline = title
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    // "404 – Page not found", "Error 404": the error's number around its words.
    let bare = headline
        .trim_start_matches(|c: char| c.is_ascii_digit() || !c.is_alphanumeric())
        .trim_start_matches("error")
        .trim_matches(|c: char| c.is_ascii_digit() || !c.is_alphanumeric());
    // "Упс! Страница не найдена", "Oops! Page not found": an interjection before the words.
    let after_interjection = headline
        .split_once(['!', '.'])
        .filter(|(interjection, _)| interjection.split_whitespace().count() <= INTERJECTION_WORDS)
        .map(|(_, rest)| rest.trim_matches(|c: char| !c.is_alphanumeric()));
    // "Берёзовка — наше село - Вход на сайт": the words as the tab's last piece, after the
    // site's name.
    let last_piece = super::title::last_piece(&headline)
        .map(|piece| piece.trim_matches(|c: char| !c.is_alphanumeric()));
    let says = |h: &str| {
        headline == h || bare == h || after_interjection == Some(h) || last_piece == Some(h)
    };
    HEADLINES
        .iter()
        .find(|(_, headlines)| headlines.iter().any(|h| says(h)))
        .map(|(kind, _)| *kind)
        .filter(|kind| chars <= kind.max_chars())
}

/// Most words of an interjection before a site page's words ("Упс!", "Oh no!").
const INTERJECTION_WORDS: usize = 2;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::render::BlockKind;

    fn note(text: &str) -> Vec<Block> {
        vec![Block::new(
            BlockKind::Paragraph,
            text.to_owned(),
            text.to_owned(),
        )]
    }

    #[test]
    fn each_kind_by_its_headline_over_little_text() {
        let short = note("Этот материал был удалён по решению редакции.");
        for (title, kind) in [
            ("Страница не найдена", SitePage::Error),
            ("404 – Page not found", SitePage::Error),
            ("Error 404", SitePage::Error),
            ("Материал удалён", SitePage::Removed),
            ("Bitte melden Sie sich an, um weiterzulesen", SitePage::Wall),
            ("Vos choix concernant les cookies", SitePage::Consent),
            ("Contacto", SitePage::SiteInfo),
            ("Impressum", SitePage::SiteInfo),
            ("Əlaqə", SitePage::SiteInfo),
            ("Упс! Страница не найдена", SitePage::Error),
            ("Берёзовка — наше село - Вход на сайт", SitePage::Wall),
            ("Kəndimiz | Əlaqə", SitePage::SiteInfo),
        ] {
            assert_eq!(site_page(title, &short), Some(kind), "{title}");
        }
        // A headline that goes on, or much text under the words.
        assert_eq!(
            site_page("Почему сайт мэрии показывал «Страница не найдена»", &short),
            None
        );
        assert_eq!(site_page("Contact tracing app launched", &short), None);
        // Words in a piece that is not the last, or after a sentence of more than an
        // interjection, are a story's.
        assert_eq!(site_page("Вход на сайт - как это было", &short), None);
        assert_eq!(
            site_page("Мэрия объяснила сбой. Страница не найдена", &short),
            None
        );
        let long = note(&"Сайт городской администрации три дня отвечал ошибкой. ".repeat(14));
        assert_eq!(site_page("Страница не найдена", &long), None);
        // A consent page lists purposes: more text than an error page's.
        assert_eq!(
            site_page("Vos choix concernant les cookies", &long),
            Some(SitePage::Consent)
        );
    }
}
