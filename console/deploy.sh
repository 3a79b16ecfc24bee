#!/usr/bin/env bash
# Uploads the built console to the stack `sam deploy` created: builds console/dist, writes its
# config.json (the stack's API URL and its staff sign-in), syncs the files to the console bucket and invalidates the
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
sign_in="$(output SignInUrl)"
client="$(output ConsoleClientId)"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build
# Staff sign in on the user pool's hosted page; their scopes come from their token (the
# groups the TokenScopesFunction trigger reads), never from this file.
printf '{"api":"%s","auth":"oauth","scopes":[],"oauth":{"domain":"%s","clientId":"%s","scopes":["openid","email"]}}\n' \
  "$api" "$sign_in" "$client" > dist/config.json
aws s3 sync dist "s3://$bucket" --delete --cache-control "no-cache"
aws cloudfront create-invalidation --distribution-id "$distribution" --paths '/*' >/dev/null
echo "console: $(output ConsoleUrl)"
