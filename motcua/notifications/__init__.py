"""Messages to applicants (e-mail, SMS through a pluggable gateway) and in-app alerts for officers."""
