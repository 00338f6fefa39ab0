//! Tests of the structured-field parser and serializer.

use super::*;

#[test]
fn signature_input_round_trips() {
    let value = r#"sig1=("@method" "@target-uri" "content-digest");created=1618884473;keyid="https://r.example/u#main-key";alg="rsa-v1_5-sha256";nonce="x\"y";flag, sig2=();expires=2;alg=ed25519"#;
    let dict = parse_dictionary(value).unwrap();
    assert_eq!(dict.len(), 2);
    let (label, Member::InnerList(list)) = &dict[0] else {
        panic!("not an inner list");
    };
    assert_eq!(label, "sig1");
    assert_eq!(list.items.len(), 3);
    assert_eq!(
        param(&list.params, "created"),
        Some(&BareItem::Integer(1618884473))
    );
    assert_eq!(
        param(&list.params, "nonce"),
        Some(&BareItem::String("x\"y".into()))
    );
    assert_eq!(param(&list.params, "flag"), Some(&BareItem::Boolean(true)));
    let first = value
        .split(", ")
        .next()
        .unwrap()
        .trim_start_matches("sig1=");
    assert_eq!(serialize_inner_list(list), first);
    let Member::InnerList(second) = &dict[1].1 else {
        panic!("not an inner list");
    };
    assert_eq!(serialize_inner_list(second), "();expires=2;alg=ed25519");
}

#[test]
fn byte_sequences_and_other_items() {
    let dict = parse_dictionary("sha-256=:AAEC:,  b=?0;x=-1.5, c=*tok/en").unwrap();
    assert_eq!(
        dict[0].1,
        Member::Item(Item {
            bare: BareItem::Bytes(vec![0, 1, 2]),
            params: vec![]
        })
    );
    let Member::Item(b) = &dict[1].1 else {
        panic!()
    };
    assert_eq!(b.bare, BareItem::Boolean(false));
    assert_eq!(
        b.params,
        vec![("x".into(), BareItem::Decimal("-1.5".into()))]
    );
    assert_eq!(serialize_bare(&BareItem::Bytes(vec![0, 1, 2])), ":AAEC:");
}

#[test]
fn garbage_is_refused() {
    for bad in [
        "Sig=1",
        "a=(\"x\"",
        "a=1,",
        "a=\"unterminated",
        "a=:@@:",
        "a=(1,2)",
        "a=?2",
        "a=1 b=2",
    ] {
        assert!(parse_dictionary(bad).is_err(), "{bad}");
    }
}
