//! Addresses (`john@example.com`, `John Doe <john@example.com>` -> `mailto:`) and the
//! ATTENDEE / ORGANIZER conversion: `ROLE=ORGANIZER`, `EXPECT`, `STATUS` and `RSVP`
//! parameters.

use crate::ical::model::{escape_param_text, Param, ParamValue, Property};

use super::values::{simple_param, strip_prefix_ignore_case};
use super::Log;

/// A vCalendar address value (`john@example.com` or `John Doe <john@example.com>`):
/// the display name, if any, and the address. `None` when the value already has a URI
/// scheme or is not an e-mail address.
pub(super) fn vcal_address(value: &str) -> Option<(Option<String>, String)> {
    let v = value.trim();
    let (name, addr) = match (v.rfind('<'), v.strip_suffix('>')) {
        (Some(lt), Some(inner)) => {
            let addr = inner.get(lt + 1..)?.trim();
            let addr = strip_prefix_ignore_case(addr, "mailto:").unwrap_or(addr);
            let name = v.get(..lt)?.trim().trim_matches('"').trim();
            ((!name.is_empty()).then(|| name.to_owned()), addr)
        }
        _ => {
            if has_scheme(v) {
                return None;
            }
            (None, v)
        }
    };
    is_email(addr).then(|| (name, addr.to_owned()))
}

pub(super) fn has_scheme(v: &str) -> bool {
    match v.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

pub(super) fn is_email(addr: &str) -> bool {
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !addr
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ':'))
}

/// The comparable form of an address value: without `mailto:`, lowercase.
pub(super) fn address_key(value: &str) -> String {
    let v = value.trim();
    let addr = match vcal_address(v) {
        Some((_, addr)) => addr,
        None => strip_prefix_ignore_case(v, "mailto:")
            .unwrap_or(v)
            .to_owned(),
    };
    addr.to_ascii_lowercase()
}

/// `john@example.com` / `John Doe <john@example.com>` -> `mailto:`, CN from the name.
pub(super) fn convert_address(p: &mut Property, name: &str, log: &mut Log) {
    let Some((display, addr)) = vcal_address(p.value()) else {
        return;
    };
    p.set_value(format!("mailto:{addr}"));
    match display {
        Some(display) => {
            if p.param("CN").is_none() {
                p.params_mut().insert(
                    0,
                    Param {
                        name: "CN".into(),
                        values: crate::ical::model::ParamValues::one(ParamValue {
                            text: escape_param_text(&display).into(),
                            quoted: false,
                        }),
                    },
                );
                log.fix(format!("{name}: Name <address> -> CN=Name:mailto:address"));
            } else {
                log.fix(format!(
                    "{name}: Name <address> -> mailto:address (CN kept)"
                ));
            }
        }
        None => log.fix(format!("{name}: bare address -> mailto:address")),
    }
}

pub(super) fn param_upper(p: &Property, name: &str) -> Option<String> {
    p.param_value(name).map(|v| v.trim().to_ascii_uppercase())
}

/// Replaces parameter `old` with `new=text` in place; when `new` already exists, sets it
/// and removes `old`.
fn replace_param(p: &mut Property, old: &str, new: &str, text: &str) {
    let params = p.params_mut();
    if let Some(existing) = params.iter_mut().find(|q| q.name.eq_ignore_ascii_case(new)) {
        existing.values = crate::ical::model::ParamValues::one(ParamValue {
            text: crate::ical::model::param_text(text),
            quoted: false,
        });
        params.retain(|q| !q.name.eq_ignore_ascii_case(old));
    } else if let Some(slot) = params.iter_mut().find(|q| q.name.eq_ignore_ascii_case(old)) {
        *slot = simple_param(new, text);
    }
}

fn remove_param(p: &mut Property, name: &str) {
    p.params_mut()
        .retain(|q| !q.name.eq_ignore_ascii_case(name));
}

/// Converts one ATTENDEE; returns the properties that replace it (none, the ATTENDEE,
/// or an ORGANIZER and possibly the ATTENDEE).
pub(super) fn convert_attendee(
    mut p: Property,
    organizer: &mut Option<String>,
    log: &mut Log,
) -> Vec<Property> {
    convert_address(&mut p, "ATTENDEE", log);
    let role = param_upper(&p, "ROLE");
    let expect = param_upper(&p, "EXPECT");
    let status = param_upper(&p, "STATUS");
    let rsvp = param_upper(&p, "RSVP");
    let mut out = Vec::new();

    if role.as_deref() == Some("ORGANIZER") {
        if !has_scheme(p.value().trim()) {
            log.warn(format!(
                "{}: the organizer has no address; kept as it was",
                p.content_line()
            ));
            out.push(p);
            return out;
        }
        let key = address_key(p.value());
        let participates = status.is_some() || expect.is_some() || rsvp.is_some();
        match organizer {
            None => {
                let mut org = Property::new("ORGANIZER", p.value().trim());
                if let Some(cn) = p.param("CN") {
                    org.params_mut().push(cn.clone());
                }
                *organizer = Some(key);
                log.fix("ATTENDEE;ROLE=ORGANIZER -> ORGANIZER");
                out.push(org);
                if !participates {
                    return out;
                }
            }
            Some(existing) if *existing == key && !participates => {
                log.fix("ATTENDEE;ROLE=ORGANIZER removed (same as ORGANIZER)");
                return out;
            }
            Some(_) => {}
        }
        // The organizer also takes part (or a second organizer): an attendee chairing.
        p.set_param("ROLE", "CHAIR");
        log.fix("ATTENDEE;ROLE=ORGANIZER -> ATTENDEE;ROLE=CHAIR");
        if let Some(e) = &expect {
            remove_param(&mut p, "EXPECT");
            log.fix(format!("ATTENDEE EXPECT={e} removed (ROLE=CHAIR)"));
        }
    } else {
        let vcal_role = role
            .as_deref()
            .filter(|r| matches!(*r, "OWNER" | "ATTENDEE" | "DELEGATE"));
        let from_expect = expect.as_deref().and_then(|e| match e {
            "REQUIRE" | "IMMEDIATE" => Some("REQ-PARTICIPANT"),
            "REQUEST" => Some("OPT-PARTICIPANT"),
            "FYI" => Some("NON-PARTICIPANT"),
            _ => None,
        });
        match (from_expect, vcal_role) {
            (Some(new), _) => {
                let e = expect.as_deref().unwrap_or_default();
                replace_param(&mut p, "EXPECT", "ROLE", new);
                match role.as_deref() {
                    Some(r) => log.fix(format!("ATTENDEE ROLE={r};EXPECT={e} -> ROLE={new}")),
                    None => log.fix(format!("ATTENDEE EXPECT={e} -> ROLE={new}")),
                }
            }
            (None, Some(r)) => {
                p.set_param("ROLE", "REQ-PARTICIPANT");
                log.fix(format!("ATTENDEE ROLE={r} -> ROLE=REQ-PARTICIPANT"));
            }
            (None, None) => {}
        }
    }

    if let Some(s) = &status {
        let partstat = match s.as_str() {
            "NEEDS ACTION" | "NEEDS-ACTION" | "SENT" => Some("NEEDS-ACTION"),
            "ACCEPTED" | "CONFIRMED" => Some("ACCEPTED"),
            "DECLINED" => Some("DECLINED"),
            "TENTATIVE" => Some("TENTATIVE"),
            "DELEGATED" => Some("DELEGATED"),
            "COMPLETED" => Some("COMPLETED"),
            _ => None,
        };
        if let Some(new) = partstat {
            if p.param("PARTSTAT").is_some() {
                remove_param(&mut p, "STATUS");
                log.fix(format!("ATTENDEE STATUS={s} removed (PARTSTAT present)"));
            } else {
                replace_param(&mut p, "STATUS", "PARTSTAT", new);
                log.fix(format!("ATTENDEE STATUS={s} -> PARTSTAT={new}"));
            }
        }
    }

    if let Some(r) = &rsvp {
        let new = match r.as_str() {
            "YES" => Some("TRUE"),
            "NO" => Some("FALSE"),
            _ => None,
        };
        if let Some(new) = new {
            p.set_param("RSVP", new);
            log.fix(format!("ATTENDEE RSVP={r} -> RSVP={new}"));
        }
    }
    out.push(p);
    out
}
