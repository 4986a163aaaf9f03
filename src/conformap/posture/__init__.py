"""``conformap posture``: the catalogue's questions answered from a user's own AWS Config results.

Data flows one way: saved files (:mod:`.inputs`, checked against botocore's shapes by :mod:`.shapes`)
-> deployed rules matched to catalogue rules (:mod:`.match`) -> the status model and its per-question
aggregation (:mod:`.status`, the one definition of PASS / FAIL / NOT_EVALUATED) -> the reports
(:mod:`.report_data` for json and the templates, :mod:`.report_csv`, :mod:`.oscal_ar`). :mod:`.collect`
writes the same files the AWS CLI would, with boto3. The command line is :mod:`conformap.commands.posture`;
besides it, only the site builders import this package (:mod:`.sample`, the "Check your account" page).
"""
