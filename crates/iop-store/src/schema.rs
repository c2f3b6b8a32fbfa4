//! The one schema both backends share. Keep it in step with both migration trees.

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    meta (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    /// Bumped by triggers on every change to sites, programs, tracks and staff.
    org_version (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        totp_secret -> Nullable<Text>,
        disabled_at -> Nullable<InstantText>,
        created_at -> InstantText,
        totp_last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    web_sessions (id_hash) {
        id_hash -> Text,
        user_id -> Text,
        csrf_token -> Text,
        created_at -> InstantText,
        last_seen_at -> InstantText,
        ended_at -> Nullable<InstantText>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        name -> Text,
        created_at -> InstantText,
        expires_at -> InstantText,
        revoked_at -> Nullable<InstantText>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    login_failures (id) {
        id -> BigInt,
        throttle_key -> Text,
        at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    audit_log (seq) {
        seq -> BigInt,
        at -> InstantText,
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
        key_id -> Nullable<Text>,
        mac -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    sites (id) {
        id -> Text,
        name -> Text,
        time_zone -> Text,
        address -> Text,
        admissions_phone -> Text,
        created_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

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
        created_at -> InstantText,
        family_weekday -> Text,
        family_anchor -> DayText,
        alumni_minutes -> Integer,
        horizon_weeks -> Integer,
        minors_need_parent_consent -> Bool,
        age_of_majority -> Integer,
        privacy_notice_version -> Text,
        min_attendance_percent -> Integer,
        excused_absences -> Text,
        weekly_floor_minutes -> Integer,
        break_minutes -> Integer,
        individual_weekdays -> Text,
        individual_first_start -> Text,
        individual_last_start -> Text,
        per_diem_minimum_minutes -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    tracks (id) {
        id -> Text,
        program_id -> Text,
        name -> Text,
        weekdays -> Text,
        created_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    provider_ledger (id) {
        id -> Text,
        remittance_id -> Text,
        provider_id -> Text,
        fiscal_period_end -> DayText,
        reason_code -> Text,
        reference -> Nullable<Text>,
        amount_cents -> BigInt,
        created_at -> InstantText,
    }
}

diesel::joinable!(web_sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(programs -> sites (site_id));
diesel::joinable!(tracks -> programs (program_id));

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    closures (id) {
        id -> Text,
        site_id -> Text,
        local_date -> DayText,
        reason -> Text,
        created_at -> InstantText,
        voided_at -> Nullable<InstantText>,
        void_reason -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    topics (id) {
        id -> Text,
        program_id -> Text,
        position -> Integer,
        title -> Text,
        active -> Bool,
        created_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    sessions (id) {
        id -> Text,
        program_id -> Text,
        track_id -> Nullable<Text>,
        kind -> Text,
        gen_key -> Text,
        local_date -> DayText,
        starts_at -> InstantText,
        ends_at -> InstantText,
        status -> Text,
        cancel_source -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        topic_id -> Nullable<Text>,
        topic_locked -> Bool,
        original_starts_at -> Nullable<InstantText>,
        sequence -> Integer,
        created_at -> InstantText,
        updated_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    staff (id) {
        id -> Text,
        user_id -> Nullable<Text>,
        display_name -> Text,
        credentials -> Text,
        npi -> Nullable<Text>,
        active -> Bool,
        created_at -> InstantText,
        requires_cosign -> Bool,
        taxonomy -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    session_facilitators (id) {
        id -> Text,
        session_id -> Text,
        staff_id -> Text,
        assigned_at -> InstantText,
        unassigned_at -> Nullable<InstantText>,
        unassigned_reason -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    calendar_feeds (id) {
        id -> Text,
        token_hash -> Text,
        staff_id -> Nullable<Text>,
        track_id -> Nullable<Text>,
        created_at -> InstantText,
        revoked_at -> Nullable<InstantText>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    patients (id) {
        id -> Text,
        mrn -> Text,
        legal_first_name -> Text,
        legal_last_name -> Text,
        preferred_name -> Nullable<Text>,
        date_of_birth -> DayText,
        created_at -> InstantText,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        address -> Nullable<Text>,
        emergency_contact_name -> Nullable<Text>,
        emergency_contact_phone -> Nullable<Text>,
        minor_self_consent -> Bool,
        sex -> Text,
        address_line -> Nullable<Text>,
        city -> Nullable<Text>,
        state -> Nullable<Text>,
        zip -> Nullable<Text>,
        search_text -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    episodes (id) {
        id -> Text,
        patient_id -> Text,
        program_id -> Text,
        admit_date -> DayText,
        planned_end_date -> DayText,
        status -> Text,
        ended_on -> Nullable<DayText>,
        created_at -> InstantText,
        inquiry_id -> Nullable<Text>,
        primary_counselor_id -> Nullable<Text>,
        level_of_care -> Text,
        diagnoses -> Text,
        ratio_override_reason -> Nullable<Text>,
        end_reason -> Nullable<Text>,
        end_summary -> Nullable<Text>,
        extension_reason -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    episode_tracks (id) {
        id -> Text,
        episode_id -> Text,
        track_id -> Text,
        from_date -> DayText,
        to_date -> Nullable<DayText>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    inquiries (id) {
        id -> Text,
        channel -> Text,
        referral_source -> Nullable<Text>,
        first_name -> Text,
        last_name -> Nullable<Text>,
        phone -> Text,
        best_time -> Nullable<Text>,
        may_leave_message -> Bool,
        program_id -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        screening -> Nullable<Text>,
        disposition -> Nullable<Text>,
        insurance_payer -> Nullable<Text>,
        insurance_member_id -> Nullable<Text>,
        insurance_status -> Text,
        intake_at -> Nullable<InstantText>,
        patient_id -> Nullable<Text>,
        first_contact_at -> InstantText,
        created_at -> InstantText,
        updated_at -> InstantText,
        payer_id -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    inquiry_events (id) {
        id -> Text,
        inquiry_id -> Text,
        at -> InstantText,
        actor_id -> Nullable<Text>,
        from_status -> Nullable<Text>,
        to_status -> Text,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    attendance (id) {
        id -> Text,
        session_id -> Text,
        patient_id -> Text,
        mark -> Text,
        minutes -> Integer,
        recorded_by -> Text,
        recorded_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    group_notes (id) {
        id -> Text,
        session_id -> Text,
        topic -> Text,
        interventions -> Text,
        group_process -> Text,
        status -> Text,
        author_id -> Text,
        signed_by -> Nullable<Text>,
        signed_at -> Nullable<InstantText>,
        created_at -> InstantText,
        updated_at -> InstantText,
        cosign_required -> Bool,
        cosigned_by -> Nullable<Text>,
        cosigned_at -> Nullable<InstantText>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    note_entries (id) {
        id -> Text,
        note_id -> Text,
        patient_id -> Text,
        participation -> Text,
        progress -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    note_addenda (id) {
        id -> Text,
        note_id -> Text,
        author_id -> Text,
        author_name -> Text,
        text -> Text,
        created_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    measures (id) {
        id -> Text,
        patient_id -> Text,
        instrument -> Text,
        instrument_version -> Text,
        occasion -> Text,
        taken_on -> DayText,
        items -> Text,
        total -> Nullable<Integer>,
        band -> Nullable<Text>,
        subscales -> Nullable<Text>,
        recorded_by -> Text,
        recorded_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    alerts (id) {
        id -> Text,
        kind -> Text,
        patient_id -> Text,
        for_user_id -> Nullable<Text>,
        for_role -> Nullable<Text>,
        detail -> Text,
        created_at -> InstantText,
        acknowledged_at -> Nullable<InstantText>,
        acknowledged_by -> Nullable<Text>,
        action_taken -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    drug_screens (id) {
        id -> Text,
        patient_id -> Text,
        collected_on -> DayText,
        specimen -> Text,
        method -> Text,
        results -> Text,
        any_positive -> Bool,
        recorded_by -> Text,
        recorded_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    relapse_plans (id) {
        id -> Text,
        patient_id -> Text,
        version -> Integer,
        content -> Text,
        created_by -> Text,
        created_at -> InstantText,
        patient_signature -> Nullable<Text>,
        patient_signed_at -> Nullable<InstantText>,
        counselor_signed_by -> Nullable<Text>,
        counselor_signed_at -> Nullable<InstantText>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    appointments (id) {
        id -> Text,
        patient_id -> Text,
        staff_id -> Text,
        starts_at -> InstantText,
        planned_minutes -> Integer,
        mode -> Text,
        telehealth_link -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> InstantText,
        updated_at -> InstantText,
        kind -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    individual_notes (id) {
        id -> Text,
        appointment_id -> Text,
        started_at -> InstantText,
        ended_at -> InstantText,
        minutes -> Integer,
        goal -> Text,
        narrative -> Text,
        plan -> Text,
        status -> Text,
        author_id -> Text,
        signed_by -> Nullable<Text>,
        signed_at -> Nullable<InstantText>,
        cosign_required -> Bool,
        cosigned_by -> Nullable<Text>,
        cosigned_at -> Nullable<InstantText>,
        created_at -> InstantText,
        updated_at -> InstantText,
        patient_location -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    treatment_plans (id) {
        id -> Text,
        patient_id -> Text,
        version -> Integer,
        content -> Text,
        review_due -> DayText,
        created_by -> Text,
        created_at -> InstantText,
        patient_signature -> Nullable<Text>,
        patient_signed_at -> Nullable<InstantText>,
        counselor_signed_by -> Nullable<Text>,
        counselor_signed_at -> Nullable<InstantText>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    session_makeups (id) {
        id -> Text,
        session_id -> Text,
        patient_id -> Text,
        reason -> Text,
        added_by -> Text,
        added_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    related_persons (id) {
        id -> Text,
        patient_id -> Text,
        name -> Text,
        relationship -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        created_by -> Text,
        created_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    consents (id) {
        id -> Text,
        patient_id -> Text,
        series_id -> Text,
        version -> Integer,
        discloser -> Text,
        information -> Text,
        purpose -> Text,
        tpo -> Bool,
        expiry_kind -> Text,
        expiry_date -> Nullable<DayText>,
        signer_kind -> Text,
        signature -> Text,
        signer_name -> Nullable<Text>,
        signer_authority -> Nullable<Text>,
        signed_at -> InstantText,
        recorded_by -> Text,
        recorded_at -> InstantText,
        superseded_at -> Nullable<InstantText>,
        patient_signed -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    consent_recipients (id) {
        id -> Text,
        consent_id -> Text,
        kind -> Text,
        ref_id -> Nullable<Text>,
        name -> Text,
        revoked_at -> Nullable<InstantText>,
        revoked_by -> Nullable<Text>,
        revocation_note -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    family_attendance (id) {
        id -> Text,
        session_id -> Text,
        related_person_id -> Text,
        patient_id -> Text,
        present -> Bool,
        consent_id -> Text,
        recorded_by -> Text,
        recorded_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    disclosure_log (seq) {
        seq -> BigInt,
        at -> InstantText,
        patient_id -> Text,
        recipient_kind -> Text,
        recipient_ref -> Nullable<Text>,
        recipient_name -> Text,
        information -> Text,
        purpose -> Text,
        channel -> Text,
        consent_id -> Text,
        consent_version -> Integer,
        notice_version -> Text,
        actor_id -> Nullable<Text>,
        subject -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
        key_id -> Nullable<Text>,
        mac -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    site_billing (site_id) {
        site_id -> Text,
        organisation_name -> Text,
        npi -> Text,
        tax_id -> Text,
        address_line -> Text,
        city -> Text,
        state -> Text,
        zip -> Text,
        submitter_id -> Text,
        contact_name -> Text,
        contact_phone -> Text,
        receiver_name -> Text,
        receiver_id -> Text,
        usage -> Text,
        updated_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    payers (id) {
        id -> Text,
        name -> Text,
        payer_id -> Text,
        address_line -> Text,
        city -> Text,
        state -> Text,
        zip -> Text,
        created_at -> InstantText,
        claim_filing_indicator -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    contracts (id) {
        id -> Text,
        program_id -> Text,
        payer_id -> Nullable<Text>,
        claim_form -> Text,
        coding_mode -> Text,
        per_diem_code -> Text,
        minimum_minutes -> Integer,
        fees -> Text,
        place_of_service -> Text,
        modifiers -> Text,
        authorization_required -> Bool,
        effective_from -> DayText,
        effective_to -> Nullable<DayText>,
        created_at -> InstantText,
        telehealth_modifier_95 -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    coverages (id) {
        id -> Text,
        patient_id -> Text,
        payer_id -> Text,
        member_id -> Text,
        group_number -> Nullable<Text>,
        priority -> Text,
        relationship -> Text,
        subscriber_first -> Text,
        subscriber_last -> Text,
        subscriber_dob -> DayText,
        subscriber_sex -> Text,
        subscriber_address_line -> Text,
        subscriber_city -> Text,
        subscriber_state -> Text,
        subscriber_zip -> Text,
        effective_from -> DayText,
        effective_to -> Nullable<DayText>,
        created_at -> InstantText,
        voided_at -> Nullable<InstantText>,
        void_reason -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    authorizations (id) {
        id -> Text,
        coverage_id -> Text,
        patient_id -> Text,
        number -> Text,
        service_code -> Text,
        units -> Integer,
        start_date -> DayText,
        end_date -> DayText,
        next_review_on -> Nullable<DayText>,
        created_at -> InstantText,
        voided_at -> Nullable<InstantText>,
        void_reason -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    claims (id) {
        id -> Text,
        claim_number -> Text,
        patient_id -> Text,
        coverage_id -> Text,
        payer_id -> Text,
        period_from -> DayText,
        period_to -> DayText,
        total_cents -> BigInt,
        status -> Text,
        problems -> Nullable<Text>,
        batch_id -> Nullable<Text>,
        payer_claim_number -> Nullable<Text>,
        paid_cents -> BigInt,
        patient_resp_cents -> BigInt,
        created_at -> InstantText,
        updated_at -> InstantText,
        submitted_on -> Nullable<DayText>,
        frequency -> Text,
        corrects_claim_id -> Nullable<Text>,
        correction_reason -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    charges (id) {
        id -> Text,
        patient_id -> Text,
        source_kind -> Text,
        source_id -> Text,
        service_date -> DayText,
        code -> Nullable<Text>,
        modifiers -> Text,
        units -> Integer,
        amount_cents -> BigInt,
        payer -> Text,
        coverage_id -> Nullable<Text>,
        contract_id -> Nullable<Text>,
        authorization_id -> Nullable<Text>,
        place_of_service -> Text,
        status -> Text,
        pending_reason -> Nullable<Text>,
        claim_id -> Nullable<Text>,
        created_at -> InstantText,
        updated_at -> InstantText,
        void_reason -> Nullable<Text>,
        rendering_staff_id -> Nullable<Text>,
        paid_cents -> BigInt,
        patient_resp_cents -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    claim_batches (id) {
        id -> Text,
        interchange_control_number -> Integer,
        content -> Text,
        claim_count -> Integer,
        total_cents -> BigInt,
        created_by -> Text,
        created_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    remittances (id) {
        id -> Text,
        content_hash -> Text,
        trace_number -> Text,
        payer_name -> Text,
        paid_cents -> BigInt,
        payment_date -> DayText,
        method -> Text,
        claims_matched -> Integer,
        claims_unmatched -> Integer,
        content -> Text,
        imported_by -> Text,
        imported_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    payments (id) {
        id -> Text,
        patient_id -> Nullable<Text>,
        claim_id -> Nullable<Text>,
        remittance_id -> Nullable<Text>,
        source -> Text,
        method -> Text,
        reference -> Nullable<Text>,
        amount_cents -> BigInt,
        received_on -> DayText,
        created_by -> Text,
        created_at -> InstantText,
        voided_at -> Nullable<InstantText>,
        void_reason -> Nullable<Text>,
        as_credit -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    adjustments (id) {
        id -> Text,
        claim_id -> Text,
        remittance_id -> Text,
        procedure_code -> Nullable<Text>,
        group_code -> Text,
        reason_code -> Text,
        amount_cents -> BigInt,
        created_at -> InstantText,
        charge_id -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    remittance_unmatched (id) {
        id -> Text,
        remittance_id -> Text,
        claim_number -> Text,
        paid_cents -> BigInt,
        detail -> Text,
        resolved_at -> Nullable<InstantText>,
        resolved_by -> Nullable<Text>,
        resolution -> Nullable<Text>,
    }
}

diesel::joinable!(attendance -> sessions (session_id));
diesel::joinable!(group_notes -> sessions (session_id));
diesel::joinable!(note_entries -> group_notes (note_id));
diesel::joinable!(session_facilitators -> sessions (session_id));
diesel::joinable!(session_facilitators -> staff (staff_id));
diesel::joinable!(episode_tracks -> episodes (episode_id));
diesel::joinable!(episodes -> patients (patient_id));
diesel::joinable!(individual_notes -> appointments (appointment_id));
diesel::joinable!(consent_recipients -> consents (consent_id));

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    privacy_notices (id) {
        id -> Text,
        patient_id -> Text,
        episode_id -> Nullable<Text>,
        version -> Text,
        given_at -> InstantText,
        given_by -> Text,
        recorded_at -> InstantText,
    }
}

diesel::joinable!(privacy_notices -> patients (patient_id));

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    portal_accounts (id) {
        id -> Text,
        email -> Text,
        role -> Text,
        patient_id -> Text,
        related_person_id -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        totp_secret -> Nullable<Text>,
        totp_last_step -> Nullable<BigInt>,
        disabled_at -> Nullable<InstantText>,
        quiet_from -> Nullable<Text>,
        quiet_until -> Nullable<Text>,
        bounced_at -> Nullable<InstantText>,
        feed_token_hash -> Nullable<Text>,
        invited_by -> Text,
        created_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    portal_sessions (id_hash) {
        id_hash -> Text,
        account_id -> Text,
        csrf_token -> Text,
        created_at -> InstantText,
        last_seen_at -> InstantText,
        ended_at -> Nullable<InstantText>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    portal_tokens (token_hash) {
        token_hash -> Text,
        account_id -> Text,
        purpose -> Text,
        expires_at -> InstantText,
        used_at -> Nullable<InstantText>,
        created_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    portal_mail_preferences (account_id, kind) {
        account_id -> Text,
        kind -> Text,
        wanted -> Bool,
        updated_at -> InstantText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    mail_outbox (id) {
        id -> Text,
        kind -> Text,
        to_address -> Text,
        account_id -> Nullable<Text>,
        link_sealed -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> InstantText,
        last_error -> Nullable<Text>,
        dedupe_key -> Nullable<Text>,
        created_at -> InstantText,
        sent_at -> Nullable<InstantText>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    consent_drafts (id) {
        id -> Text,
        patient_id -> Text,
        body -> Text,
        created_by -> Text,
        created_at -> InstantText,
        signed_consent_id -> Nullable<Text>,
        withdrawn_at -> Nullable<InstantText>,
    }
}

diesel::joinable!(portal_sessions -> portal_accounts (account_id));

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    inquiry_referrals (inquiry_id) {
        inquiry_id -> Text,
        received_at -> InstantText,
        received_by -> Text,
        date_of_birth -> Nullable<DayText>,
        diagnoses -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    inquiry_referral_contacts (inquiry_id, position) {
        inquiry_id -> Text,
        position -> Integer,
        name -> Text,
        relationship -> Nullable<Text>,
        phone -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use iop_domain::sql::types::*;

    fhir_exports (id) {
        id -> Text,
        requested_by -> Text,
        requested_at -> InstantText,
        group_id -> Nullable<Text>,
        types -> Text,
        since -> Nullable<InstantText>,
        recipient_kind -> Nullable<Text>,
        recipient_ref -> Nullable<Text>,
        recipient_name -> Nullable<Text>,
        status -> Text,
        patients_total -> Integer,
        patients_done -> Integer,
        patients_left_out -> Integer,
        output -> Nullable<Text>,
        report -> Nullable<Text>,
        error -> Nullable<Text>,
        finished_at -> Nullable<InstantText>,
        expires_at -> Nullable<InstantText>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    meta,
    fhir_exports,
    inquiry_referrals,
    inquiry_referral_contacts,
    privacy_notices,
    users,
    web_sessions,
    api_tokens,
    login_failures,
    audit_log,
    sites,
    programs,
    tracks,
    closures,
    topics,
    sessions,
    staff,
    session_facilitators,
    calendar_feeds,
    patients,
    episodes,
    episode_tracks,
    inquiries,
    inquiry_events,
    attendance,
    group_notes,
    note_entries,
    note_addenda,
    measures,
    alerts,
    drug_screens,
    relapse_plans,
    appointments,
    individual_notes,
    treatment_plans,
    session_makeups,
    related_persons,
    consents,
    consent_recipients,
    family_attendance,
    provider_ledger,
    disclosure_log,
    site_billing,
    payers,
    contracts,
    coverages,
    authorizations,
    claims,
    charges,
    claim_batches,
    remittances,
    payments,
    adjustments,
    remittance_unmatched,
    portal_accounts,
    portal_sessions,
);
