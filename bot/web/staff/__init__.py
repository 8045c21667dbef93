"""The staff web app: login, navigation by role, cases, FAQ, statistics, administration."""
