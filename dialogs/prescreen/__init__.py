"""Pre-screening (事前確認): the questions a coordinator would ask, ending in a draft application or a next step."""
