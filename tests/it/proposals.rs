//! Co-design: members propose charter changes and vote on them from any
//! instance or from Mastodon. A Mastodon-shaped follower gets the proposal
//! as a poll, votes exactly as Mastodon's documented vote reads
//! (re-addressed and signed), and gets the new count in an
//! `Update{Question}`; a member on another Guildhall votes through their
//! own instance; counts agree everywhere; an accepted proposal becomes a
//! charter version linked to it (and beta sees it), a rejected one changes
//! nothing; replies to the poll are its discussion; bad proposals and votes
//! are refused and nothing counts twice.

use crate::{
    client::{Answer, Api, Refused},
    common::{MemberPair, TestApp, eventually, sample_charter, settle},
    events::mastodon_follower,
    mastodon::FakeMastodon,
};
use guildhall::{
    api::{
        Page,
        communities::UpdateCommunity,
        proposals::{CloseInput, NewProposal, ProposalResponse, VoteInput},
    },
    domain::{
        charter::Charter,
        milestone::MilestoneKind,
        proposal::{ProposalStatus, VoteOption},
    },
};
use reqwest::Method;
use serde_json::{Value, json};

impl Api {
    async fn propose(&self, handle: &str, proposal: &NewProposal) -> Answer<ProposalResponse> {
        let path = format!("/api/v1/communities/{handle}/proposals");
        self.call(Method::POST, &path, Some(proposal), 201).await
    }

    async fn proposals(&self, handle: &str) -> Answer<Page<ProposalResponse>> {
        let none: Option<&()> = None;
        let path = format!("/api/v1/communities/{handle}/proposals");
        self.call(Method::GET, &path, none, 200).await
    }

    async fn proposal(&self, handle: &str, id: i64) -> Answer<ProposalResponse> {
        let none: Option<&()> = None;
        let path = format!("/api/v1/communities/{handle}/proposals/{id}");
        self.call(Method::GET, &path, none, 200).await
    }

    async fn vote(&self, handle: &str, id: i64, option: &str) -> Answer<ProposalResponse> {
        let path = format!("/api/v1/communities/{handle}/proposals/{id}/vote");
        let input = VoteInput {
            option: option.into(),
        };
        self.call(Method::POST, &path, Some(&input), 200).await
    }

    async fn close_proposal(
        &self,
        handle: &str,
        id: i64,
        withdraw: bool,
    ) -> Answer<ProposalResponse> {
        let path = format!("/api/v1/communities/{handle}/proposals/{id}/close");
        let input = CloseInput { withdraw };
        self.call(Method::POST, &path, Some(&input), 200).await
    }
}

/// The community's current charter with a new purpose.
async fn with_purpose(api: &Api, name: &str, purpose: &str) -> Charter {
    let mut charter = api.charter(name).await.unwrap().charter;
    charter.purpose = purpose.into();
    charter
}

fn proposal(charter: Charter, rationale: &str) -> NewProposal {
    NewProposal {
        charter,
        rationale: rationale.into(),
    }
}

/// Alpha with `secguild` (owner alice) and members bob and carol; the
/// proposal clock runs every second.
async fn guild_with_members() -> (TestApp, String, String, String) {
    let alpha = TestApp::spawn_named_with("alpha", |s| s.proposal_clock_seconds = 1).await;
    let alice = alpha.user("alice", false).await;
    alpha.community(&alice, "secguild").await;
    chartered(&alpha, &alice, "secguild").await;
    let bob = alpha.user("bob", false).await;
    let carol = alpha.user("carol", false).await;
    for member in [&bob, &carol] {
        alpha.api(member).follow("secguild").await.unwrap();
    }
    (alpha, alice, bob, carol)
}

/// Gives the community its first charter (version 1).
async fn chartered(app: &TestApp, owner: &str, name: &str) {
    let charter = sample_charter();
    app.api(owner).put_charter(name, &charter).await.unwrap();
}

fn counts(p: &ProposalResponse) -> (i32, i32, i32) {
    (p.votes.accept, p.votes.reject, p.votes.abstain)
}

#[tokio::test]
async fn an_accepted_proposal_becomes_a_charter_version_credited_and_linked() {
    let (alpha, alice, bob, carol) = guild_with_members().await;
    let charter = with_purpose(&alpha.api(&bob), "secguild", "Practise threat modelling").await;
    let opened = alpha
        .api(&bob)
        .propose(
            "secguild",
            &proposal(charter, "We do more modelling than testing now."),
        )
        .await
        .unwrap();
    assert_eq!(opened.status, ProposalStatus::Open);
    assert_eq!(opened.proposer.as_deref(), Some("bob"));
    let fields: Vec<&str> = opened.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["purpose"], "only the purpose changes");
    assert_eq!(
        opened.changes[0].proposed,
        json!("Practise threat modelling")
    );
    let days = (opened.closes_at - opened.created_at).num_days();
    assert_eq!(days, 7, "the default voting window");

    let voted = alpha
        .api(&carol)
        .vote("secguild", opened.id, "accept")
        .await
        .unwrap();
    assert_eq!(counts(&voted), (1, 0, 0));
    assert_eq!(voted.my_vote, Some(VoteOption::Accept));
    // A later vote replaces the earlier one.
    let changed = alpha
        .api(&carol)
        .vote("secguild", opened.id, "reject")
        .await
        .unwrap();
    assert_eq!(counts(&changed), (0, 1, 0));
    alpha
        .api(&bob)
        .vote("secguild", opened.id, "accept")
        .await
        .unwrap();
    alpha
        .api(&alice)
        .vote("secguild", opened.id, "accept")
        .await
        .unwrap();
    let listed = alpha.anonymous().proposals("secguild").await.unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(counts(&listed.items[0]), (2, 1, 0));

    let closed = alpha
        .api(&alice)
        .close_proposal("secguild", opened.id, false)
        .await
        .unwrap();
    assert_eq!(closed.status, ProposalStatus::Accepted);
    assert_eq!(closed.charter_version, Some(2));
    let history = alpha.anonymous().charter_history("secguild").await.unwrap();
    let newest = &history.items[0];
    assert_eq!(newest.version, 2);
    assert_eq!(newest.charter.purpose, "Practise threat modelling");
    assert_eq!(
        newest.author.as_deref(),
        Some("bob"),
        "credited to the proposer"
    );
    assert_eq!(newest.proposal, Some(opened.id), "linked to the proposal");
    assert_eq!(history.items[1].proposal, None);
    let shown = alpha
        .anonymous()
        .proposal("secguild", opened.id)
        .await
        .unwrap();
    assert_eq!(
        shown.changes[0].proposed,
        json!("Practise threat modelling")
    );
    alpha.settle().await;
}

#[tokio::test]
async fn the_first_accepted_proposal_is_a_milestone() {
    let alpha = TestApp::spawn_named("alpha").await;
    let alice = alpha.user("alice", false).await;
    alpha.celebrating_community(&alice, "guild").await;
    chartered(&alpha, &alice, "guild").await;
    let charter = with_purpose(&alpha.api(&alice), "guild", "Learn together").await;
    let opened = alpha
        .api(&alice)
        .propose("guild", &proposal(charter, "clearer"))
        .await
        .unwrap();
    alpha
        .api(&alice)
        .vote("guild", opened.id, "accept")
        .await
        .unwrap();
    alpha
        .api(&alice)
        .close_proposal("guild", opened.id, false)
        .await
        .unwrap();
    let posts = alpha.anonymous().posts("guild").await.unwrap().items;
    let celebrated: Vec<_> = posts
        .iter()
        .filter(|p| p.milestone == Some(MilestoneKind::FirstAcceptedProposal))
        .collect();
    let titles: Vec<_> = posts.iter().map(|p| p.title.clone()).collect();
    assert_eq!(celebrated.len(), 1, "{titles:?}");
    alpha.settle().await;
}

#[tokio::test]
async fn a_rejected_or_withdrawn_proposal_changes_nothing() {
    let (alpha, alice, bob, carol) = guild_with_members().await;
    let before = alpha.anonymous().charter("secguild").await.unwrap();
    let charter = with_purpose(&alpha.api(&bob), "secguild", "Only red teaming").await;
    let rejected = alpha
        .api(&bob)
        .propose("secguild", &proposal(charter.clone(), "why not"))
        .await
        .unwrap();
    alpha
        .api(&bob)
        .vote("secguild", rejected.id, "accept")
        .await
        .unwrap();
    alpha
        .api(&carol)
        .vote("secguild", rejected.id, "reject")
        .await
        .unwrap();
    alpha
        .api(&alice)
        .vote("secguild", rejected.id, "abstain")
        .await
        .unwrap();
    let closed = alpha
        .api(&alice)
        .close_proposal("secguild", rejected.id, false)
        .await
        .unwrap();
    assert_eq!(
        closed.status,
        ProposalStatus::Rejected,
        "a tie does not carry"
    );
    assert_eq!(closed.charter_version, None);

    let withdrawn = alpha
        .api(&bob)
        .propose("secguild", &proposal(charter, "again"))
        .await
        .unwrap();
    alpha
        .api(&carol)
        .vote("secguild", withdrawn.id, "accept")
        .await
        .unwrap();
    let refused = alpha
        .api(&carol)
        .close_proposal("secguild", withdrawn.id, true)
        .await
        .unwrap_err();
    assert_eq!(
        refused.status, 403,
        "only its proposer or a moderator withdraws it"
    );
    let gone = alpha
        .api(&bob)
        .close_proposal("secguild", withdrawn.id, true)
        .await
        .unwrap();
    assert_eq!(gone.status, ProposalStatus::Withdrawn);
    let twice = alpha
        .api(&alice)
        .close_proposal("secguild", withdrawn.id, false)
        .await
        .unwrap_err();
    assert_eq!(twice.status, 409);

    let after = alpha.anonymous().charter("secguild").await.unwrap();
    assert_eq!(after.version, before.version);
    assert_eq!(after.charter, before.charter);
    alpha.settle().await;
}

#[tokio::test]
async fn a_proposal_closes_when_its_window_ends_and_the_quorum_decides() {
    let (alpha, alice, bob, carol) = guild_with_members().await;
    let quorum = UpdateCommunity {
        proposal_days: Some(2),
        proposal_quorum: Some(3),
        ..UpdateCommunity::default()
    };
    alpha
        .api(&alice)
        .update_community("secguild", &quorum)
        .await
        .unwrap();
    let charter = with_purpose(&alpha.api(&bob), "secguild", "Fewer meetings").await;
    let short = alpha
        .api(&bob)
        .propose("secguild", &proposal(charter.clone(), "r"))
        .await
        .unwrap();
    assert_eq!((short.closes_at - short.created_at).num_days(), 2);
    assert_eq!(short.quorum, 3);
    alpha
        .api(&bob)
        .vote("secguild", short.id, "accept")
        .await
        .unwrap();
    alpha
        .api(&carol)
        .vote("secguild", short.id, "accept")
        .await
        .unwrap();
    // Not yet due: the clock leaves it open.
    let state = alpha.state().await;
    let now = chrono::Utc::now();
    let tick = guildhall::services::proposal::decide::tick(&state, now)
        .await
        .unwrap();
    assert_eq!(tick.closed, 0);
    // Two days on, it closes: two votes are short of the quorum of three.
    let later = now + chrono::Duration::days(2) + chrono::Duration::minutes(1);
    let tick = guildhall::services::proposal::decide::tick(&state, later)
        .await
        .unwrap();
    assert_eq!(tick.closed, 1);
    let closed = alpha
        .anonymous()
        .proposal("secguild", short.id)
        .await
        .unwrap();
    assert_eq!(closed.status, ProposalStatus::Rejected);
    assert_eq!(
        alpha.anonymous().charter("secguild").await.unwrap().version,
        1
    );
    alpha.settle().await;
}

#[tokio::test]
async fn bad_proposals_and_votes_are_refused_and_nothing_counts_twice() {
    let (alpha, alice, bob, carol) = guild_with_members().await;
    let outsider = alpha.user("dave", false).await;
    let banned = alpha.user("eve", false).await;
    alpha.api(&banned).follow("secguild").await.unwrap();
    alpha
        .api(&alice)
        .ban("secguild", "eve", "spam")
        .await
        .unwrap();

    let mut invalid = with_purpose(&alpha.api(&bob), "secguild", "").await;
    let refused = alpha
        .api(&bob)
        .propose("secguild", &proposal(invalid.clone(), "r"))
        .await
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.field.as_deref()),
        (422, Some("charter.purpose"))
    );
    invalid.purpose = alpha
        .api(&bob)
        .charter("secguild")
        .await
        .unwrap()
        .charter
        .purpose;
    let same = alpha
        .api(&bob)
        .propose("secguild", &proposal(invalid, "r"))
        .await
        .unwrap_err();
    assert_eq!((same.status, same.field.as_deref()), (422, Some("charter")));
    let charter = with_purpose(&alpha.api(&bob), "secguild", "Something new").await;
    let silent = alpha
        .api(&bob)
        .propose("secguild", &proposal(charter.clone(), "  "))
        .await
        .unwrap_err();
    assert_eq!(
        (silent.status, silent.field.as_deref()),
        (422, Some("rationale"))
    );
    let stranger = alpha
        .api(&outsider)
        .propose("secguild", &proposal(charter.clone(), "r"))
        .await
        .unwrap_err();
    assert_eq!(stranger.status, 403);
    let path = "/api/v1/communities/secguild/proposals";
    let truncated = Some("{\"charter\":".to_string());
    let malformed = alpha.send(Method::POST, path, Some(&bob), truncated).await;
    assert_eq!(malformed.status(), 400, "malformed JSON");

    let open = alpha
        .api(&bob)
        .propose("secguild", &proposal(charter, "r"))
        .await
        .unwrap();
    alpha
        .api(&carol)
        .vote("secguild", open.id, "accept")
        .await
        .unwrap();
    let unknown = alpha
        .api(&carol)
        .vote("secguild", open.id, "maybe")
        .await
        .unwrap_err();
    assert_eq!(
        (unknown.status, unknown.field.as_deref()),
        (422, Some("option"))
    );
    let again = alpha
        .api(&carol)
        .vote("secguild", open.id, "accept")
        .await
        .unwrap_err();
    assert_eq!(again.status, 409, "{again:?}");
    let not_member = alpha
        .api(&outsider)
        .vote("secguild", open.id, "reject")
        .await
        .unwrap_err();
    assert_eq!(not_member.status, 403);
    let is_banned = alpha
        .api(&banned)
        .vote("secguild", open.id, "reject")
        .await
        .unwrap_err();
    assert_eq!(is_banned.status, 403);
    let not_moderator = alpha
        .api(&carol)
        .close_proposal("secguild", open.id, false)
        .await
        .unwrap_err();
    assert_eq!(not_moderator.status, 403);
    let elsewhere = alpha
        .api(&carol)
        .vote("secguild", open.id + 1000, "accept")
        .await
        .unwrap_err();
    assert_eq!(elsewhere.status, 404);
    assert_eq!(
        counts(
            &alpha
                .anonymous()
                .proposal("secguild", open.id)
                .await
                .unwrap()
        ),
        (1, 0, 0)
    );

    alpha
        .api(&alice)
        .close_proposal("secguild", open.id, false)
        .await
        .unwrap();
    let late = alpha
        .api(&bob)
        .vote("secguild", open.id, "reject")
        .await
        .unwrap_err();
    assert_eq!(late.status, 409, "a vote after the close");
    assert_eq!(
        counts(
            &alpha
                .anonymous()
                .proposal("secguild", open.id)
                .await
                .unwrap()
        ),
        (1, 0, 0)
    );
    alpha.settle().await;
}

/// Mona's vote for `option` on the poll `question`, exactly as Mastodon's
/// documentation shows a vote, re-addressed to this test's servers.
fn mastodon_vote(mona: &FakeMastodon, n: u32, question: &str, group: &str, option: &str) -> Value {
    let mut vote =
        crate::fixtures::load::<Value>("mastodon-docs/docs_activitypub_05_polls-question.json")
            .expect("Mastodon's vote fixture");
    vote["id"] = json!(format!("{}#votes/{n}/activity", mona.actor));
    vote["actor"] = json!(mona.actor);
    vote["to"] = json!(group);
    vote["object"]["id"] = json!(format!("{}#votes/{n}", mona.actor));
    vote["object"]["attributedTo"] = json!(mona.actor);
    vote["object"]["to"] = json!(group);
    vote["object"]["inReplyTo"] = json!(question);
    vote["object"]["name"] = json!(option);
    vote
}

/// The count for `name` in a `Question`'s `oneOf`.
fn poll_count(question: &Value, name: &str) -> u64 {
    question["oneOf"]
        .as_array()
        .and_then(|options| options.iter().find(|o| o["name"] == name))
        .and_then(|o| o["replies"]["totalItems"].as_u64())
        .unwrap_or_else(|| panic!("no option {name} in {question}"))
}

/// The newest `Update{Question}` mona received.
fn last_poll_update(mona: &FakeMastodon) -> Option<Value> {
    mona.received("Update")
        .into_iter()
        .map(|r| r.body["object"].clone())
        .rfind(|o| o["type"] == "Question")
}

#[tokio::test]
async fn a_mastodon_follower_votes_on_the_poll_and_sees_the_new_count() {
    let (alpha, alice, bob, _) = guild_with_members().await;
    let mona = mastodon_follower(&alpha).await;
    let charter = with_purpose(
        &alpha.api(&bob),
        "secguild",
        "Threat modelling for everyone",
    )
    .await;
    let opened = alpha
        .api(&bob)
        .propose("secguild", &proposal(charter, "broader"))
        .await
        .unwrap();
    alpha.settle().await;

    // Mastodon gets the boost, fetches the poll and shows it.
    let boosts = mona.received("Announce");
    assert!(
        boosts.iter().any(|b| b.body["object"] == opened.ap_id),
        "the poll is boosted to Mastodon: {boosts:?}"
    );
    let (status, question) = mona.fetch(&opened.ap_id, true).await;
    assert_eq!(status, 200);
    assert_eq!(question["type"], "Question");
    let names: Vec<&str> = question["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Accept", "Reject", "Abstain"]);
    assert!(question["endTime"].is_string());
    assert_eq!(question["votersCount"], 0);
    assert_eq!(
        question["attributedTo"],
        format!("{}/c/secguild", alpha.base)
    );

    let group = format!("{}/c/secguild", alpha.base);
    let inbox = format!("{group}/inbox");
    let vote = mastodon_vote(&mona, 1, &opened.ap_id, &group, "Accept");
    assert_eq!(mona.deliver(&inbox, &vote).await, 202);
    alpha.settle().await;
    let counted = alpha
        .anonymous()
        .proposal("secguild", opened.id)
        .await
        .unwrap();
    assert_eq!(counts(&counted), (1, 0, 0));
    let update = eventually("an Update{Question} with mona's vote", || async {
        last_poll_update(&mona).filter(|q| q["votersCount"] == 1)
    })
    .await;
    assert_eq!(poll_count(&update, "Accept"), 1);
    assert_eq!(update["id"], opened.ap_id);

    // The same vote again (a new activity around it) is not counted twice.
    let mut replayed = vote.clone();
    replayed["id"] = json!(format!("{}#votes/1/again", mona.actor));
    assert_eq!(mona.deliver(&inbox, &replayed).await, 202);
    // An unknown option is refused, and mona is told why.
    let odd = mastodon_vote(&mona, 2, &opened.ap_id, &group, "Maybe");
    assert_eq!(mona.deliver(&inbox, &odd).await, 202);
    alpha.settle().await;
    assert_eq!(
        counts(
            &alpha
                .anonymous()
                .proposal("secguild", opened.id)
                .await
                .unwrap()
        ),
        (1, 0, 0)
    );
    let told = eventually("a note telling mona why", || async {
        mona.received("Create").into_iter().find(|c| {
            c.body["object"]["content"]
                .as_str()
                .is_some_and(|t| t.contains("Accept, Reject and Abstain"))
        })
    })
    .await;
    assert_eq!(told.body["object"]["inReplyTo"], opened.ap_id);
    // A later different vote replaces hers.
    let reject = mastodon_vote(&mona, 3, &opened.ap_id, &group, "Reject");
    assert_eq!(mona.deliver(&inbox, &reject).await, 202);
    alpha.settle().await;
    assert_eq!(
        counts(
            &alpha
                .anonymous()
                .proposal("secguild", opened.id)
                .await
                .unwrap()
        ),
        (0, 1, 0)
    );

    // Someone on Mastodon who is not a member is refused and told why.
    let stranger = FakeMastodon::start().await;
    let theirs = mastodon_vote(&stranger, 1, &opened.ap_id, &group, "Accept");
    assert_eq!(stranger.deliver(&inbox, &theirs).await, 202);
    alpha.settle().await;
    assert_eq!(
        counts(
            &alpha
                .anonymous()
                .proposal("secguild", opened.id)
                .await
                .unwrap()
        ),
        (0, 1, 0)
    );
    eventually("a note telling the stranger why", || async {
        stranger.received("Create").into_iter().find(|c| {
            c.body["object"]["content"]
                .as_str()
                .is_some_and(|t| t.contains("only members"))
        })
    })
    .await;

    // Replies to the poll are the discussion, from Mastodon and from here.
    let mut reply = crate::mastodon_peer::mention_toot(&mona, &group, 9, true);
    reply["object"]["inReplyTo"] = json!(opened.ap_id);
    assert_eq!(mona.deliver(&inbox, &reply).await, 202);
    alpha
        .api(&bob)
        .reply(opened.post_id, "Agreed, modelling is what we do.")
        .await
        .unwrap();
    alpha.settle().await;
    let discussion = alpha
        .anonymous()
        .replies(opened.post_id)
        .await
        .unwrap()
        .items;
    assert_eq!(discussion.len(), 2, "mona's and bob's replies");
    assert_eq!(
        counts(
            &alpha
                .anonymous()
                .proposal("secguild", opened.id)
                .await
                .unwrap()
        ),
        (0, 1, 0)
    );

    // At the close, the last update says so.
    alpha
        .api(&alice)
        .close_proposal("secguild", opened.id, false)
        .await
        .unwrap();
    alpha.settle().await;
    let last = last_poll_update(&mona).unwrap();
    assert!(last["closed"].is_string(), "{last}");
    assert_eq!(poll_count(&last, "Reject"), 1);
    let after_close = mastodon_vote(&mona, 4, &opened.ap_id, &group, "Accept");
    assert_eq!(mona.deliver(&inbox, &after_close).await, 202);
    alpha.settle().await;
    assert_eq!(
        counts(
            &alpha
                .anonymous()
                .proposal("secguild", opened.id)
                .await
                .unwrap()
        ),
        (0, 1, 0)
    );
}

#[tokio::test]
async fn members_on_two_instances_and_mastodon_decide_and_beta_sees_the_new_charter() {
    let pair = MemberPair::start_with(|s| s.proposal_clock_seconds = 1).await;
    let (alpha, beta) = (&pair.alpha, &pair.beta);
    chartered(alpha, &pair.alice, "secguild").await;
    let carol = alpha.user("carol", false).await;
    alpha.api(&carol).follow("secguild").await.unwrap();
    let mona = mastodon_follower(alpha).await;
    let charter = with_purpose(
        &alpha.api(&carol),
        "secguild",
        "Threat modelling across orgs",
    )
    .await;
    let opened = alpha
        .api(&carol)
        .propose("secguild", &proposal(charter, "we span orgs"))
        .await
        .unwrap();
    pair.settle().await;

    // Beta has the proposal, and bob votes through beta.
    let on_beta = eventually("beta knows the proposal", || async {
        beta.api(&pair.bob)
            .proposals(&pair.handle)
            .await
            .ok()?
            .items
            .into_iter()
            .next()
    })
    .await;
    assert_eq!(on_beta.ap_id, opened.ap_id);
    assert_eq!(on_beta.charter.purpose, "Threat modelling across orgs");
    let mine = beta
        .api(&pair.bob)
        .vote(&pair.handle, on_beta.id, "accept")
        .await
        .unwrap();
    assert_eq!(mine.my_vote, Some(VoteOption::Accept));
    let group = format!("{}/c/secguild", alpha.base);
    let vote = mastodon_vote(&mona, 1, &opened.ap_id, &group, "Accept");
    assert_eq!(mona.deliver(&format!("{group}/inbox"), &vote).await, 202);
    pair.settle().await;

    // The counts agree on alpha, on beta and on Mastodon.
    let expected = (2, 0, 0);
    eventually("alpha counts both votes", || async {
        let p = alpha
            .anonymous()
            .proposal("secguild", opened.id)
            .await
            .ok()?;
        (counts(&p) == expected).then_some(())
    })
    .await;
    eventually("beta shows the same counts", || async {
        let p = beta
            .api(&pair.bob)
            .proposal(&pair.handle, on_beta.id)
            .await
            .ok()?;
        (counts(&p) == expected).then_some(())
    })
    .await;
    eventually("mona's poll shows the same counts", || async {
        last_poll_update(&mona).filter(|q| poll_count(q, "Accept") == 2 && q["votersCount"] == 2)
    })
    .await;

    // At the close the charter changes on alpha, and beta sees it.
    let closed = alpha
        .api(&pair.alice)
        .close_proposal("secguild", opened.id, false)
        .await
        .unwrap();
    assert_eq!(closed.status, ProposalStatus::Accepted);
    settle(&[alpha, beta]).await;
    let history = alpha.anonymous().charter_history("secguild").await.unwrap();
    assert_eq!(history.items[0].proposal, Some(opened.id));
    eventually("beta sees the new charter", || async {
        let c = beta.api(&pair.bob).community(&pair.handle).await.ok()?;
        (c.charter?.purpose == "Threat modelling across orgs").then_some(())
    })
    .await;
    let decided = beta
        .api(&pair.bob)
        .proposal(&pair.handle, on_beta.id)
        .await
        .unwrap();
    assert_eq!(decided.status, ProposalStatus::Accepted);
    assert_eq!(decided.charter_version, Some(2));
    let late = beta
        .api(&pair.bob)
        .vote(&pair.handle, on_beta.id, "reject")
        .await
        .unwrap_err();
    assert_eq!(late.status, 409);
    pair.settle().await;
}

#[tokio::test]
async fn a_proposal_whose_poll_a_moderator_removed_leaves_the_lists_and_the_page_still_shows() {
    let (alpha, alice, bob, _carol) = guild_with_members().await;
    let kept = with_purpose(&alpha.api(&bob), "secguild", "Practise threat modelling").await;
    let kept = alpha
        .api(&bob)
        .propose("secguild", &proposal(kept, "Clearer."))
        .await
        .unwrap();
    let removed = with_purpose(&alpha.api(&bob), "secguild", "Buy my product").await;
    let removed = alpha
        .api(&bob)
        .propose("secguild", &proposal(removed, "Spam."))
        .await
        .unwrap();
    alpha
        .api(&alice)
        .moderate(removed.post_id, "remove", Some("spam"))
        .await
        .unwrap();

    let listed: Vec<i64> = alpha
        .api(&bob)
        .proposals("secguild")
        .await
        .unwrap()
        .items
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(listed, [kept.id], "the removed poll's proposal is left out");
    let page = reqwest::get(alpha.url("/c/secguild")).await.unwrap();
    assert_eq!(page.status(), 200, "the community page still shows");
    let page = page.text().await.unwrap();
    let link = |id: i64| format!("/c/secguild/proposals/{id}\"");
    assert!(page.contains(&link(kept.id)), "the open proposal is listed");
    assert!(!page.contains(&link(removed.id)));
    let gone = alpha.api(&bob).proposal("secguild", removed.id).await;
    assert_eq!(
        gone.refused().status,
        404,
        "the proposal itself is gone with its poll"
    );
}
