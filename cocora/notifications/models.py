"""Email sending with an exactly-once delivery log, opt-outs and templates."""
