// Tests land with their module's issue.
