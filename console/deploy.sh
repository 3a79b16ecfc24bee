#!/usr/bin/env bash
# Uploads the built console to the stack `sam deploy` created: builds console/dist, writes its
# config.json (the stack's API URL), syncs the files to the console bucket and invalidates the
# distribution. Usage: bash console/deploy.sh <stack-name>   (needs the AWS CLI and npm)
set -euo pipefail
stack="${1:?usage: bash console/deploy.sh <stack-name>}"
cd "$(dirname "$0")"
output() {
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
api="$(output ApiUrl)"
bucket="$(output ConsoleBucketName)"
distribution="$(output ConsoleDistributionId)"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build
# Scopes come from the signed-in user's token, never from this file.
printf '{"api":"%s","auth":"bearer","scopes":[]}\n' "$api" > dist/config.json
aws s3 sync dist "s3://$bucket" --delete --cache-control "no-cache"
aws cloudfront create-invalidation --distribution-id "$distribution" --paths '/*' >/dev/null
echo "console: $(output ConsoleUrl)"
