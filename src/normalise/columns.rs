//! Recognising columns that are not questions: response ids, personal data and
//! platform metadata, across the names each platform gives them.
//!
//! These lists are built in so that a user's template need not repeat them;
//! a template's `[columns]` only adds names.

use crate::survey::ColumnSpec;

use crate::text::key;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Identifies a response; used to remove duplicates, never output.
    Id,
    /// Personal data; dropped on read, never output.
    Identity,
    /// Platform bookkeeping (timestamps, progress); ignored.
    Metadata,
}

const IDS: &[&str] = &["id", "respondentid", "responseid", "recordid"];
const METADATA: &[&str] = &[
    "starttime",
    "completiontime",
    "lastmodifiedtime",
    "timestamp",
    // Google Forms' timestamp in other languages.
    "tijdstempel",
    "zeitstempel",
    "horodateur",
    "marcatemporal",
    "informazionicronologiche",
    "startdate",
    "enddate",
    "collectorid",
    "status",
    "responsetype",
    "progress",
    "duration(inseconds)",
    "duration",
    "finished",
    "recordeddate",
    "distributionchannel",
    "userlanguage",
    "language",
    // Qualtrics 2016 and Legacy.
    "responseset",
    // LimeSurvey, with headings as codes and as text.
    "submitdate",
    "datesubmitted",
    "lastpage",
    "startlanguage",
    "datestarted",
    "datelastaction",
    "datestamp",
    "seed",
    "locationaccuracy",
];

/// `key` without spaces, underscores or hyphens: `IP Address`, `IPAddress`
/// and `ip_address` are one name.
fn compact(s: &str) -> String {
    key(s)
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .collect()
}

fn is_identity(k: &str, c: &str) -> bool {
    c.contains("email")
        || c == "name"
        || k.ends_with(" name")
        || c.ends_with("firstname")
        || c.ends_with("lastname")
        || c.ends_with("fullname")
        || c.starts_with("recipient")
        || c.contains("ipaddress")
        || c.contains("latitude")
        || c.contains("longitude")
        || c.starts_with("externalreference")
        || c.starts_with("externaldatareference")
        || c.starts_with("customdata")
        || c.contains("phone")
        || c.contains("postcode")
        || c.contains("zipcode")
        || c == "zip"
        || c == "token"
        || c == "refurl"
        || c.contains("referrerurl")
}

/// Classifies a column by its header (and the platform's other name for it).
pub fn classify(header: &str, alt: Option<&str>, extra: &ColumnSpec) -> Option<Role> {
    std::iter::once(header).chain(alt).find_map(|h| {
        let (k, c) = (key(h), compact(h));
        let listed = |names: &[String]| names.iter().any(|n| compact(n) == c);
        if IDS.contains(&c.as_str()) || listed(&extra.id) {
            Some(Role::Id)
        } else if is_identity(&k, &c) || listed(&extra.identity) {
            Some(Role::Identity)
        } else if METADATA.contains(&c.as_str()) || listed(&extra.metadata) {
            Some(Role::Metadata)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platforms_names() {
        let none = ColumnSpec::default();
        for h in ["ID", "Id", "Respondent ID", "ResponseId", "Response ID"] {
            assert_eq!(classify(h, None, &none), Some(Role::Id), "{h}");
        }
        for h in [
            "Email",
            "Email Address",
            "Name",
            "First Name",
            "Last Name",
            "IP Address",
            "IPAddress",
            "RecipientEmail",
            "Recipient First Name",
            "LocationLatitude",
            "Location Longitude",
            "ExternalReference",
            "Custom Data 1",
            "Respondent name",
        ] {
            assert_eq!(classify(h, None, &none), Some(Role::Identity), "{h}");
        }
        for h in [
            "Start time",
            "Completion time",
            "Timestamp",
            "Collector ID",
            "Duration (in seconds)",
            "Finished",
        ] {
            assert_eq!(classify(h, None, &none), Some(Role::Metadata), "{h}");
        }
        assert_eq!(classify("Favourite colour", None, &none), None);
        // Qualtrics: the label row says "Response ID", the field id row "ResponseId".
        assert_eq!(
            classify("Response Identifier", Some("ResponseId"), &none),
            Some(Role::Id)
        );
        let extra = ColumnSpec {
            identity: vec!["Staff number".into()],
            ..ColumnSpec::default()
        };
        assert_eq!(
            classify("staff  number", None, &extra),
            Some(Role::Identity)
        );
    }
}
