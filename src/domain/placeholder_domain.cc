// Placeholder until the domain layer lands; replaced by real sources.
