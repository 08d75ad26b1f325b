//! One list builder for every resource: [`List`], typed filters (one struct per resource,
//! each filter a field), a page size where the API has one, and the page and item streams of
//! `paginate`. A filter is a field, so none can be misspelt or silently dropped; the same
//! field list sends the request and repairs a next link that lost it.

use std::fmt;
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt};
use url::Url;

use crate::client::{Client, Replied};
use crate::error::Error;
use crate::operation::Operation;
use crate::paginate::{self, FetchPage, ListQuery, Page};
use crate::validate::ValidationReport;

/// A list call, with its filters; from `client.subscribers().list()` and the like. Set
/// filters with its methods, then read it with `stream()`, `pages()` or `first_page()`.
#[derive(Clone, Debug)]
#[must_use = "a list does nothing until streamed"]
pub struct List<F> {
    pub(crate) client: Client,
    pub(crate) filters: F,
    pub(crate) page_size: Option<u32>,
}

/// What a resource's filters know: which operation lists it, each filter by wire name, and
/// how to send one page's request.
pub(crate) trait Filters: Clone + fmt::Debug + Default + Send + Sync + 'static {
    type Item: Send + 'static;
    const OPERATION: Operation;
    /// Each filter set, by wire name, as sent: what a next link that lost one is repaired with.
    fn pairs(&self) -> Vec<(&'static str, String)>;
    /// Problems with the filters, found before anything is sent.
    fn validate(&self) -> Result<(), ValidationReport> {
        Ok(())
    }
    /// Reads one page: the first (`next: None`) or the one a next link names.
    fn fetch(
        self,
        client: Client,
        next: Option<Url>,
        page_size: Option<u32>,
    ) -> BoxFuture<'static, Replied<Vec<Self::Item>>>;
}

impl<F> List<F> {
    pub(crate) fn new(client: Client) -> Self
    where
        F: Filters,
    {
        List {
            client,
            filters: F::default(),
            page_size: None,
        }
    }

    pub(crate) fn pages_of(self) -> BoxStream<'static, Result<Page<F::Item>, Error>>
    where
        F: Filters,
    {
        if let Err(report) = self.filters.validate() {
            return stream::once(async move { Err(Error::Validation(report)) }).boxed();
        }
        let query = ListQuery {
            operation: F::OPERATION,
            base: self.client.base().clone(),
            filters: self.filters.pairs(),
            page_size: self.page_size,
        };
        let fetch: FetchPage<F::Item> = Arc::new(move |next: Option<Url>| {
            self.filters
                .clone()
                .fetch(self.client.clone(), next, self.page_size)
        });
        paginate::pages(query, fetch)
    }

    pub(crate) async fn first_page_of(self) -> Result<Page<F::Item>, Error>
    where
        F: Filters,
    {
        let mut pages = self.pages_of();
        match pages.next().await {
            Some(page) => page,
            None => Ok(Page::empty()),
        }
    }
}

/// A resource's filters: a struct with one optional field per query parameter, and its
/// `Filters`. `page_size: max` where the list takes one (the request's setter); `validate: f`
/// where its filters have rules.
macro_rules! list_filters {
    (
        $(#[$meta:meta])*
        $name:ident {
            item: $item:ty,
            request: $method:ident,
            operation: $operation:expr,
            $(page_size: $max:ident,)?
            $(validate: $validate:path,)?
            filters: { $($(#[$field_meta:meta])* $field:ident: $ty:ty => $wire:literal),+ $(,)? } $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $($(#[$field_meta])* pub(crate) $field: Option<$ty>,)+
        }

        impl $crate::resources::list::Filters for $name {
            type Item = $item;
            const OPERATION: $crate::operation::Operation = $operation;

            fn pairs(&self) -> Vec<(&'static str, String)> {
                let mut pairs = Vec::new();
                $(if let Some(value) = &self.$field {
                    pairs.push(($wire, value.to_string()));
                })+
                pairs
            }

            $(fn validate(&self) -> Result<(), $crate::validate::ValidationReport> {
                $validate(self)
            })?

            fn fetch(
                self,
                client: $crate::client::Client,
                next: Option<url::Url>,
                page_size: Option<u32>,
            ) -> futures::future::BoxFuture<
                'static,
                $crate::client::Replied<Vec<$item>>,
            > {
                let _ = page_size;
                Box::pin(async move {
                    let api = client.api();
                    let reply = client
                        .call($operation, next, || {
                            let mut request = api.$method();
                            $(if let Some(value) = &self.$field {
                                request = request.$field(value.clone());
                            })+
                            $(if let Some(size) = page_size {
                                request = request.$max(size);
                            })?
                            request.send()
                        })
                        .await?;
                    Ok(reply.map(|list| list.items))
                })
            }
        }
    };
}

/// `pages()`, `stream()` and `first_page()` of a resource's list, named for its items.
macro_rules! list_finishers {
    ($filters:ty, $item:ty, $what:literal) => {
        impl $crate::resources::list::List<$filters> {
            #[doc = concat!("The ", $what, ", page by page, read as the stream is polled.")]
            ///
            /// ```no_run
            /// use webex_broadworks::prelude::*;
            ///
            /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
            /// let mut pages = client.subscribers().list().page_size(500).pages();
            /// while let Some(page) = pages.try_next().await? {
            ///     println!("{} items, more: {}", page.items().len(), page.has_next());
            /// }
            /// # Ok(()) }
            /// ```
            pub fn pages(
                self,
            ) -> futures::stream::BoxStream<
                'static,
                Result<$crate::paginate::Page<$item>, $crate::error::Error>,
            > {
                self.pages_of()
            }

            #[doc = concat!("Every one of the ", $what, ", one page in memory at a time.")]
            ///
            /// ```no_run
            /// use webex_broadworks::prelude::*;
            ///
            /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
            /// let mut enterprises = client.enterprises().list().stream();
            /// while let Some(enterprise) = enterprises.try_next().await? {
            ///     println!("{:?}", enterprise.sp_enterprise_id);
            /// }
            /// # Ok(()) }
            /// ```
            pub fn stream(
                self,
            ) -> futures::stream::BoxStream<'static, Result<$item, $crate::error::Error>> {
                $crate::paginate::items(self.pages_of())
            }

            /// The first page only.
            ///
            /// ```no_run
            /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
            /// let newest = client.billing_reports().list().first_page().await?;
            /// for report in newest.items() {
            ///     println!("{:?} {:?}", report.billing_period, report.status);
            /// }
            /// # Ok(()) }
            /// ```
            pub async fn first_page(
                self,
            ) -> Result<$crate::paginate::Page<$item>, $crate::error::Error> {
                self.first_page_of().await
            }
        }
    };
}

pub(crate) use {list_filters, list_finishers};

#[cfg(test)]
mod tests {
    use super::Filters;
    use crate::resources::{BillingReportFilters, SubscriberFilters};

    #[test]
    fn each_filter_set_is_named_as_on_the_wire_for_link_repair() {
        let filters = SubscriberFilters {
            user_id: Some("alice@sp.example".into()),
            self_activated: Some(false),
            last_status_change: Some("1700000000000".into()),
            ..SubscriberFilters::default()
        };
        assert_eq!(
            filters.pairs(),
            [
                ("userId", "alice@sp.example".to_string()),
                ("selfActivated", "false".to_string()),
                ("lastStatusChange", "1700000000000".to_string()),
            ]
        );
        assert!(SubscriberFilters::default().pairs().is_empty());
    }

    #[test]
    fn filters_with_rules_are_checked_before_sending() {
        let bad = BillingReportFilters {
            before: Some("2024-13".into()),
            ..BillingReportFilters::default()
        };
        let report = bad.validate().unwrap_err();
        assert_eq!(report.problems()[0].field(), "before");
        assert!(BillingReportFilters::default().validate().is_ok());
    }
}
