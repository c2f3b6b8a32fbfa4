//! `bare-axum DB_PATH ADDR`: serves `GET /` by reading one row of the iop database
//! through the same pool and pragmas as `iop`, with nothing else (no auth, no audit,
//! no templates). bench/run.sh measures it beside `iop` as the ceiling.

use axum::routing::get;
use axum::Router;
use diesel::prelude::*;
use iop_store::schema::users;
use iop_store::Store;

async fn one_row(store: axum::extract::State<Store>) -> String {
    let store = store.0.clone();
    tokio::task::spawn_blocking(move || {
        store
            .read(|c| {
                users::table
                    .select(users::email)
                    .first::<String>(c)
                    .map_err(iop_store::StoreError::from)
            })
            .unwrap_or_else(|e| format!("error: {e}"))
    })
    .await
    .unwrap_or_default()
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(db), Some(addr)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: bare-axum DB_PATH ADDR");
        return std::process::ExitCode::from(2);
    };
    let store = match Store::open(db, 16) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("open {db}: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    let Ok(rt) = tokio::runtime::Runtime::new() else {
        return std::process::ExitCode::from(1);
    };
    let served = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr.as_str()).await?;
        axum::serve(
            listener,
            Router::new().route("/", get(one_row)).with_state(store),
        )
        .await
    });
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve: {e}");
            std::process::ExitCode::from(1)
        }
    }
}
