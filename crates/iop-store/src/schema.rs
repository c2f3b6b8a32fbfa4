//! The one schema both backends share. Keep it in step with both migration trees.

diesel::table! {
    meta (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        totp_secret -> Nullable<Text>,
        disabled_at -> Nullable<Text>,
        created_at -> Text,
    }
}

diesel::table! {
    web_sessions (id_hash) {
        id_hash -> Text,
        user_id -> Text,
        csrf_token -> Text,
        created_at -> Text,
        last_seen_at -> Text,
        ended_at -> Nullable<Text>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        name -> Text,
        created_at -> Text,
        expires_at -> Text,
        revoked_at -> Nullable<Text>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        throttle_key -> Text,
        at -> Text,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> Text,
        actor_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        action -> Text,
        outcome -> Text,
        patient_id -> Nullable<Text>,
        subject -> Nullable<Text>,
        request_id -> Nullable<Text>,
        detail -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    sites (id) {
        id -> Text,
        name -> Text,
        time_zone -> Text,
        address -> Text,
        admissions_phone -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    programs (id) {
        id -> Text,
        site_id -> Text,
        slug -> Text,
        name -> Text,
        level_of_care -> Text,
        session_start -> Text,
        session_minutes -> Integer,
        min_weeks -> Integer,
        max_weeks -> Integer,
        max_patients_per_facilitator -> Integer,
        family_every_weeks -> Integer,
        family_minutes -> Integer,
        alumni_weekday -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    tracks (id) {
        id -> Text,
        program_id -> Text,
        name -> Text,
        weekdays -> Text,
        created_at -> Text,
    }
}

diesel::joinable!(web_sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(programs -> sites (site_id));
diesel::joinable!(tracks -> programs (program_id));

diesel::allow_tables_to_appear_in_same_query!(
    meta,
    users,
    web_sessions,
    api_tokens,
    login_failures,
    audit_log,
    sites,
    programs,
    tracks,
);
