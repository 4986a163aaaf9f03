-- conformap posture past one machine: the per-rule-instance counts of `conformap posture report`, computed by
-- Amazon Athena over AWS Config's S3 delivery (ConfigSnapshot files), the organisation-scale input.
-- The one place this SQL lives (README and docs/posture.md point here). Replace BUCKET and the partition values.
--
-- 1. A table over the delivered snapshots (the JSON SerDe reads each file's configurationItems).
CREATE EXTERNAL TABLE IF NOT EXISTS aws_config_snapshots (
  fileversion STRING,
  configsnapshotid STRING,
  configurationitems ARRAY<STRUCT<
    configurationitemcapturetime: STRING,
    awsaccountid: STRING,
    awsregion: STRING,
    resourcetype: STRING,
    resourceid: STRING,
    resourcename: STRING,
    configuration: STRING
  >>
)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
WITH SERDEPROPERTIES ('case.insensitive' = 'true')
LOCATION 's3://BUCKET/AWSLogs/';

-- 2. Results per deployed rule instance (account, region, rule name) and compliance type: what the report
--    counts. NON_COMPLIANT resources are listed by the second query. Match the rule names to catalogue rules
--    with each account's describe-config-rules (conformap posture collect, or the AWS CLI).
SELECT ci.awsaccountid AS account,
       ci.awsregion AS region,
       json_extract_scalar(entry, '$.configRuleName') AS config_rule_name,
       json_extract_scalar(entry, '$.complianceType') AS compliance,
       count(*) AS results
FROM aws_config_snapshots
CROSS JOIN UNNEST(configurationitems) AS t(ci)
CROSS JOIN UNNEST(CAST(json_extract(ci.configuration, '$.configRuleList') AS ARRAY(JSON))) AS r(entry)
WHERE ci.resourcetype = 'AWS::Config::ResourceCompliance'
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4;

SELECT ci.awsaccountid AS account,
       ci.awsregion AS region,
       json_extract_scalar(entry, '$.configRuleName') AS config_rule_name,
       ci.resourceid AS resource,
       ci.configurationitemcapturetime AS recorded
FROM aws_config_snapshots
CROSS JOIN UNNEST(configurationitems) AS t(ci)
CROSS JOIN UNNEST(CAST(json_extract(ci.configuration, '$.configRuleList') AS ARRAY(JSON))) AS r(entry)
WHERE ci.resourcetype = 'AWS::Config::ResourceCompliance'
  AND json_extract_scalar(entry, '$.complianceType') = 'NON_COMPLIANT'
ORDER BY 1, 2, 3, 4;
