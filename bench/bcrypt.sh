#!/usr/bin/env bash
# Measures one bcrypt hash at work factors 10-13 (or those given) and prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")"
dotnet run -c Release --project BcryptCost -- "$@"
