//! What a charter proposal changes, field by field, and how an accepted
//! change lands on a charter that may have moved on since it was proposed.

use super::charter::Charter;
use serde_json::{Map, Value};

/// The charter fields a proposal changes against `base`, in the charter's
/// order (by their JSON names).
pub fn changed_fields(base: &Charter, proposed: &Charter) -> Vec<String> {
    let (base, proposed) = (fields(base), fields(proposed));
    let mut names: Vec<String> = proposed.keys().chain(base.keys()).cloned().collect();
    let mut seen = std::collections::HashSet::new();
    names.retain(|name| seen.insert(name.clone()) && base.get(name) != proposed.get(name));
    names
}

/// The charter an accepted proposal leaves: `current` with the fields the
/// proposal changed against `base` taken from `proposed`. A field someone
/// else changed meanwhile keeps its new value unless the proposal changed
/// it too.
pub fn apply(current: &Charter, base: &Charter, proposed: &Charter) -> Charter {
    let mut merged = fields(current);
    let wanted = fields(proposed);
    for name in changed_fields(base, proposed) {
        match wanted.get(&name) {
            Some(value) => merged.insert(name, value.clone()),
            None => merged.remove(&name),
        };
    }
    serde_json::from_value(Value::Object(merged)).unwrap_or_else(|_| proposed.clone())
}

/// A charter as a JSON object, every field named.
fn fields(charter: &Charter) -> Map<String, Value> {
    match serde_json::to_value(charter) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charter(purpose: &str, audience: Option<&str>) -> Charter {
        Charter {
            purpose: purpose.into(),
            audience: audience.map(String::from),
            ..Charter::default()
        }
    }

    #[test]
    fn an_accepted_change_keeps_what_others_changed_meanwhile() {
        let base = charter("old purpose", Some("old audience"));
        let proposed = charter("new purpose", Some("old audience"));
        assert_eq!(changed_fields(&base, &proposed), vec!["purpose"]);
        let current = charter("old purpose", Some("audience changed meanwhile"));
        let merged = apply(&current, &base, &proposed);
        assert_eq!(merged.purpose, "new purpose");
        assert_eq!(
            merged.audience.as_deref(),
            Some("audience changed meanwhile")
        );
    }

    #[test]
    fn removing_an_optional_field_is_a_change() {
        let base = charter("p", Some("everyone"));
        let proposed = charter("p", None);
        assert_eq!(changed_fields(&base, &proposed), vec!["audience"]);
        assert_eq!(apply(&base, &base, &proposed).audience, None);
    }
}
