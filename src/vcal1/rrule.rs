//! The vCalendar 1.0 recurrence grammar (`W1 MO TH #10`, `MP1 1+ MO`, ...) on RRULE
//! and EXRULE, converted to an iCalendar RECUR value.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::ical::model::Property;
use crate::ical::value::{
    parse_date_or_date_time, parse_recur, DateTimeValue, Frequency, Recur, WeekdayNum,
};

use super::Log;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleKind {
    Daily,
    Weekly,
    MonthlyByPos,
    MonthlyByDay,
    YearlyByMonth,
    YearlyByDay,
}

/// `D1`, `W2`, `MP1`, `MD6`, `YM1`, `YD3`: the rule kind and interval.
fn rule_head(token: &str) -> Option<(RuleKind, u32)> {
    const HEADS: [(&str, RuleKind); 6] = [
        ("MP", RuleKind::MonthlyByPos),
        ("MD", RuleKind::MonthlyByDay),
        ("YM", RuleKind::YearlyByMonth),
        ("YD", RuleKind::YearlyByDay),
        ("D", RuleKind::Daily),
        ("W", RuleKind::Weekly),
    ];
    let (kind, digits) = HEADS
        .iter()
        .find_map(|(prefix, kind)| token.strip_prefix(prefix).map(|rest| (*kind, rest)))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((kind, digits.parse().ok()?))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    Count(u32),
    Until(DateTimeValue),
}

/// `#n` or an ISO 8601 end date; `Err` for a malformed `#`.
fn end_token(token: &str) -> Result<Option<End>, String> {
    if let Some(n) = token.strip_prefix('#') {
        return n
            .parse::<u32>()
            .ok()
            .filter(|_| n.bytes().all(|b| b.is_ascii_digit()))
            .map(|n| Some(End::Count(n)))
            .ok_or_else(|| format!("bad duration {token:?}"));
    }
    if token.len() >= 8 && token.starts_with(|c: char| c.is_ascii_digit()) {
        return parse_date_or_date_time(token, None)
            .map(|v| Some(End::Until(v)))
            .map_err(|_| format!("bad end date {token:?}"));
    }
    Ok(None)
}

fn weekday(token: &str) -> Option<Weekday> {
    Some(match token {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// `n`, `n+` or `n-` with `1 <= n <= max`, as a signed number.
fn signed_number(token: &str, max: u32) -> Option<i32> {
    let (digits, negative) = match token.strip_suffix('-') {
        Some(d) => (d, true),
        None => (token.strip_suffix('+').unwrap_or(token), false),
    };
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    if n == 0 || n > max {
        return None;
    }
    let n = i32::try_from(n).ok()?;
    Some(if negative { -n } else { n })
}

/// A converted rule, and the nested rules that were dropped, if any.
#[derive(Debug)]
struct Converted {
    recur: Recur,
    dropped: Option<String>,
}

/// Converts a vCalendar 1.0 recurrence rule (`W1 MO TH #10`) to a [`Recur`].
/// `dtstart` supplies the weekday and position a monthly-by-position rule leaves out.
fn convert_rule(value: &str, dtstart: Option<NaiveDate>) -> Result<Converted, String> {
    let tokens: Vec<String> = value
        .split_ascii_whitespace()
        .map(|t| t.trim_end_matches('$').to_ascii_uppercase())
        .filter(|t| !t.is_empty())
        .collect();
    let (first, rest) = tokens.split_first().ok_or("empty rule")?;
    let (kind, interval) =
        rule_head(first).ok_or_else(|| format!("{first:?} is not a vCalendar frequency"))?;
    if interval == 0 {
        return Err("interval 0".into());
    }

    let mut items: Vec<&str> = Vec::new();
    let mut count: Option<u32> = None;
    let mut until: Option<DateTimeValue> = None;
    let mut nested: &[String] = &[];
    for (i, tok) in rest.iter().enumerate() {
        if rule_head(tok).is_some() {
            nested = rest.get(i..).unwrap_or_default();
            break;
        }
        match end_token(tok)? {
            Some(End::Count(n)) if count.is_none() => count = Some(n),
            Some(End::Until(v)) if until.is_none() => until = Some(v),
            Some(_) => return Err(format!("second end {tok:?}")),
            None if count.is_some() || until.is_some() => {
                return Err(format!("{tok:?} after the end of the rule"))
            }
            None => items.push(tok),
        }
    }
    if !nested.is_empty() && count.is_none() && until.is_none() {
        // The outermost duration or end date closes the whole nested string.
        for tok in nested.iter().rev() {
            match end_token(tok) {
                Ok(Some(End::Count(n))) if count.is_none() => count = Some(n),
                Ok(Some(End::Until(v))) if until.is_none() => until = Some(v),
                _ => break,
            }
        }
    }

    let freq = match kind {
        RuleKind::Daily => Frequency::Daily,
        RuleKind::Weekly => Frequency::Weekly,
        RuleKind::MonthlyByPos | RuleKind::MonthlyByDay => Frequency::Monthly,
        RuleKind::YearlyByMonth | RuleKind::YearlyByDay => Frequency::Yearly,
    };
    let mut recur = Recur::new(freq);
    recur.interval = (interval != 1).then_some(interval);
    match (count, until) {
        // The specification's default duration is two occurrences.
        (None, None) => recur.count = Some(2),
        (Some(0), None) => {}
        (Some(n), None) => recur.count = Some(n),
        (None | Some(0), Some(v)) => recur.until = Some(v),
        (Some(_), Some(_)) => return Err("both a count and an end date".into()),
    }

    let unexpected = |tok: &str| format!("unexpected {tok:?}");
    match kind {
        RuleKind::Daily => {
            if let Some(tok) = items.first() {
                return Err(unexpected(tok));
            }
        }
        RuleKind::Weekly => {
            for tok in &items {
                let weekday = weekday(tok).ok_or_else(|| unexpected(tok))?;
                recur.by_day.push(WeekdayNum {
                    ordinal: None,
                    weekday,
                });
            }
        }
        RuleKind::MonthlyByPos => recur.by_day = monthly_by_pos(&items, dtstart)?,
        RuleKind::MonthlyByDay => {
            for tok in &items {
                let day = if *tok == "LD" {
                    -1
                } else {
                    signed_number(tok, 31).ok_or_else(|| unexpected(tok))?
                };
                recur
                    .by_month_day
                    .push(i8::try_from(day).map_err(|_| unexpected(tok))?);
            }
        }
        RuleKind::YearlyByMonth => {
            for tok in &items {
                let month = tok
                    .parse::<u8>()
                    .ok()
                    .filter(|m| (1..=12).contains(m) && tok.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| unexpected(tok))?;
                recur.by_month.push(month);
            }
        }
        RuleKind::YearlyByDay => {
            for tok in &items {
                let day = signed_number(tok, 366).ok_or_else(|| unexpected(tok))?;
                recur
                    .by_year_day
                    .push(i16::try_from(day).map_err(|_| unexpected(tok))?);
            }
        }
    }
    let dropped = (!nested.is_empty()).then(|| nested.join(" "));
    Ok(Converted { recur, dropped })
}

/// `1+ MO 2- TU WE` -> `1MO,-2TU,-2WE`. An occurrence without weekdays, or a rule
/// without occurrences, takes the weekday (and position) of DTSTART.
fn monthly_by_pos(items: &[&str], dtstart: Option<NaiveDate>) -> Result<Vec<WeekdayNum>, String> {
    let need_start = || "no DTSTART to take the weekday from".to_owned();
    let mut out = Vec::new();
    if items.is_empty() {
        let start = dtstart.ok_or_else(need_start)?;
        let ordinal = i8::try_from(start.day0() / 7 + 1).map_err(|_| need_start())?;
        out.push(WeekdayNum {
            ordinal: Some(ordinal),
            weekday: start.weekday(),
        });
        return Ok(out);
    }
    let mut current: Option<i8> = None;
    let mut current_has_days = false;
    let close = |current: Option<i8>, has_days: bool, out: &mut Vec<WeekdayNum>| {
        if let (Some(ordinal), false) = (current, has_days) {
            let start = dtstart.ok_or_else(need_start)?;
            out.push(WeekdayNum {
                ordinal: Some(ordinal),
                weekday: start.weekday(),
            });
        }
        Ok::<(), String>(())
    };
    for tok in items {
        if let Some(weekday) = weekday(tok) {
            let ordinal = current.ok_or_else(|| format!("weekday {tok:?} before an occurrence"))?;
            out.push(WeekdayNum {
                ordinal: Some(ordinal),
                weekday,
            });
            current_has_days = true;
        } else {
            let n = signed_number(tok, 5).ok_or_else(|| format!("unexpected {tok:?}"))?;
            close(current, current_has_days, &mut out)?;
            current = Some(i8::try_from(n).map_err(|_| format!("unexpected {tok:?}"))?);
            current_has_days = false;
        }
    }
    close(current, current_has_days, &mut out)?;
    Ok(out)
}

pub(super) fn convert_rule_property(
    p: &mut Property,
    name: &str,
    dtstart: Option<NaiveDate>,
    log: &mut Log,
) {
    let value = p.value().trim().to_owned();
    if value.to_ascii_uppercase().contains("FREQ=") && parse_recur(&value).is_ok() {
        return; // already an iCalendar rule
    }
    match convert_rule(&value, dtstart) {
        Ok(Converted { recur, dropped }) => {
            let new = recur.format();
            log.fix(format!("{name} {value} -> {new}"));
            if let Some(nested) = dropped {
                log.warn(format!(
                    "{name} {value}: nested rule {nested:?} has no iCalendar equivalent; \
                     only the first rule was converted"
                ));
            }
            p.set_value(new);
        }
        Err(why) => log.warn(format!(
            "{name} {value}: not a convertible vCalendar 1.0 rule ({why}); kept as it was"
        )),
    }
}
