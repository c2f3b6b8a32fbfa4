//! Bulk export of the record (FHIR Bulk Data): where a job stands.

crate::code_enum! {
    /// Where a bulk export stands. Files exist only while `Complete` and unexpired.
    pub enum ExportStatus {
        Queued,
        Running,
        Complete,
        Failed,
        Cancelled,
        /// Its files were removed after the time they are kept.
        Expired,
    }
}

impl ExportStatus {
    /// Whether the job will not change any more (nothing to wait for).
    pub fn is_finished(self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }
}
