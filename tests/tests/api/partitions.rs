//! On Lambda the SDK reads its partition table from `PartitionsLayer` (template.yaml,
//! `SMITHY_CLIENT_SDK_CUSTOM_PARTITION`): one file per partition instead of the whole built-in
//! table, which every client build parsed. Each file must resolve every region of its partition
//! to exactly the endpoints the built-in table gives, for DynamoDB and SQS, with and without FIPS
//! and dual stack; a region AWS adds later must resolve the same way too (by the partition's
//! regular expression).
//!
//! The SDK reads the table once per process, from the environment, so each file is tried in a
//! child process: this test binary again, running only `endpoints_of_this_process`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

const VARIABLE: &str = "SMITHY_CLIENT_SDK_CUSTOM_PARTITION";
const CHILD_REGIONS: &str = "BACKOFFICE_PARTITION_TEST_REGIONS";
const CHILD_TEST: &str = "partitions::endpoints_of_this_process";

/// The regions of the SDK's built-in table (aws-sdk-dynamodb 1.136, aws-sdk-sqs 1.119: the same
/// table), and per partition one region it does not list yet, which its expression matches.
const PARTITIONS: &[(&str, &[&str])] = &[
    (
        "aws",
        &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "eu-west-9",
        ],
    ),
    ("aws-cn", &["aws-cn-global", "cn-north-1", "cn-northwest-1", "cn-south-9"]),
    ("aws-eusc", &["eusc-de-east-1", "eusc-de-west-9"]),
    ("aws-iso", &["aws-iso-global", "us-iso-east-1", "us-iso-west-1", "us-iso-south-9"]),
    ("aws-iso-b", &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1", "us-isob-south-9"]),
    ("aws-iso-e", &["aws-iso-e-global", "eu-isoe-west-1", "eu-isoe-north-9"]),
    ("aws-iso-f", &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1", "us-isof-west-9"]),
    ("aws-us-gov", &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1", "us-gov-north-9"]),
];

fn layer_files() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../layers/endpoint-partitions/partitions")
}

/// One line per (service, region, FIPS, dual stack): the endpoint, or the resolver's error.
async fn endpoints(regions: &[&str]) -> Vec<String> {
    use aws_sdk_dynamodb::config::endpoint::{
        DefaultResolver as DynamoResolver, Params as DynamoParams, ResolveEndpoint as _,
    };
    use aws_sdk_sqs::config::endpoint::{DefaultResolver as SqsResolver, Params as SqsParams, ResolveEndpoint as _};
    let (dynamo, sqs) = (DynamoResolver::new(), SqsResolver::new());
    let mut lines = Vec::new();
    for region in regions {
        for (fips, dual) in [(false, false), (true, false), (false, true), (true, true)] {
            let params = DynamoParams::builder().region(*region).use_fips(fips).use_dual_stack(dual).build().unwrap();
            let url = match dynamo.resolve_endpoint(&params).await {
                Ok(e) => e.url().to_owned(),
                Err(e) => format!("error: {e}"),
            };
            lines.push(format!("dynamodb {region} fips={fips} dualstack={dual} {url}"));
            let params = SqsParams::builder().region(*region).use_fips(fips).use_dual_stack(dual).build().unwrap();
            let url = match sqs.resolve_endpoint(&params).await {
                Ok(e) => e.url().to_owned(),
                Err(e) => format!("error: {e}"),
            };
            lines.push(format!("sqs {region} fips={fips} dualstack={dual} {url}"));
        }
    }
    lines
}

/// Prints this process's endpoints for the regions the parent names (every region when run on
/// its own, against the built-in table) and checks each plain endpoint is an HTTPS URL.
#[tokio::test]
async fn endpoints_of_this_process() {
    let named = std::env::var(CHILD_REGIONS).ok();
    let regions: Vec<&str> = match &named {
        Some(list) => list.split(',').collect(),
        None => PARTITIONS.iter().flat_map(|(_, r)| r.iter().copied()).collect(),
    };
    for line in endpoints(&regions).await {
        if line.contains("fips=false dualstack=false") {
            let url = line.rsplit(' ').next().unwrap();
            assert!(url.starts_with("https://"), "no endpoint: {line}");
        }
        println!("ENDPOINT {line}");
    }
}

#[tokio::test]
async fn each_partition_file_resolves_every_region_as_the_built_in_table_does() {
    assert!(std::env::var_os(VARIABLE).is_none(), "run the tests without {VARIABLE}: it replaces the built-in table");
    let files: BTreeSet<String> = std::fs::read_dir(layer_files())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = PARTITIONS.iter().map(|(id, _)| format!("{id}.json")).collect();
    assert_eq!(files, expected, "one file per partition of the SDK's table, and nothing else");

    for (id, regions) in PARTITIONS {
        let built_in = endpoints(regions).await;
        let child = Command::new(std::env::current_exe().unwrap())
            .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(VARIABLE, layer_files().join(format!("{id}.json")))
            .env(CHILD_REGIONS, regions.join(","))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&child.stdout);
        assert!(child.status.success(), "{id}: {stdout}\n{}", String::from_utf8_lossy(&child.stderr));
        // The harness may print its own "test … " on the line the first endpoint starts.
        let from_file: Vec<String> =
            stdout.lines().filter_map(|l| l.split_once("ENDPOINT ")).map(|(_, e)| e.to_owned()).collect();
        assert_eq!(from_file.len(), built_in.len(), "{id}: the child resolved {} endpoints: {stdout}", from_file.len());
        let differ: Vec<String> = built_in
            .iter()
            .zip(&from_file)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("built in: {a}\n{id}.json: {b}"))
            .collect();
        assert!(
            differ.is_empty(),
            "{id}.json resolves differently from the SDK's built-in table:\n{}",
            differ.join("\n")
        );
    }
}
