//! Pages that show one site at a time (census, staffing): a hundred sites' patients or
//! sessions are thousands of rows, so with several sites the page shows the one asked
//! for, else the first by name, with a picker.

use crate::error::PageError;
use iop_domain::ids::SiteId;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SiteQuery {
    site: Option<String>,
}

impl SiteQuery {
    /// The site asked for; an empty choice is none.
    pub fn site(&self) -> Result<Option<SiteId>, PageError> {
        Ok(self
            .site
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| crate::extract::form_id(s, "site"))
            .transpose()?)
    }
}

/// The site a page shows and the picker's options: (id, name, shown). No picker, and
/// every site, when there is only one.
pub struct SitePicker {
    pub shown: Option<SiteId>,
    pub options: Vec<(String, String, bool)>,
}

pub fn pick(sites: Vec<(SiteId, String)>, asked: Option<SiteId>) -> SitePicker {
    if sites.len() <= 1 {
        return SitePicker {
            shown: asked,
            options: Vec::new(),
        };
    }
    let shown = asked.or_else(|| sites.first().map(|s| s.0));
    let options = sites
        .into_iter()
        .map(|(id, name)| (id.to_string(), name, Some(id) == shown))
        .collect();
    SitePicker { shown, options }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(n: u8) -> SiteId {
        format!("01900000-0000-7000-8000-0000000000{n:02}")
            .parse()
            .expect("id")
    }

    #[test]
    fn one_site_needs_no_picker_and_several_show_the_first_unless_one_is_asked_for() {
        let one = pick(vec![(site(1), "North".into())], None);
        assert_eq!(one.shown, None);
        assert!(one.options.is_empty());
        let sites = vec![(site(1), "North".into()), (site(2), "South".into())];
        let first = pick(sites.clone(), None);
        assert_eq!(first.shown, Some(site(1)));
        assert_eq!(first.options.iter().filter(|o| o.2).count(), 1);
        let asked = pick(sites, Some(site(2)));
        assert_eq!(asked.shown, Some(site(2)));
        assert!(asked.options[1].2 && !asked.options[0].2);
    }
}
