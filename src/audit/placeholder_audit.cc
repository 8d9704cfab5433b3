// Placeholder until the audit layer lands; replaced by real sources.
